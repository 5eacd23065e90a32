using System.Globalization;

namespace PatientExperience.LocalRabbitMq;

/// <summary>
/// Where a private RabbitMQ node keeps everything, all under one folder: its own node name, ports, data (mnesia), logs, Erlang
/// cookie (HOME), an empty plugin list and its own (empty) configuration files, so it neither touches a system node nor needs
/// root. <see cref="Environment"/> is what the server script and <c>rabbitmqctl</c> need to find it.
/// </summary>
public sealed class RabbitMqNodeLayout
{
    /// <summary>The server script itself, not the <c>/usr/sbin/rabbitmq-server</c> wrapper (which switches user, reads another cookie and does not stop cleanly).</summary>
    public const string DefaultServerPath = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private readonly Dictionary<string, string> _environment;

    /// <param name="epmdPort">A private Erlang port mapper (epmd) on this port; null to share the default one (4369).</param>
    public RabbitMqNodeLayout(string directory, string nodeName, int port, int distributionPort, string serverPath = DefaultServerPath, int? epmdPort = null)
    {
        Directory = directory;
        NodeName = nodeName;
        Port = port;
        ServerPath = serverPath;
        Home = Path.Combine(directory, "home");
        MnesiaBase = Path.Combine(directory, "mnesia");
        LogBase = Path.Combine(directory, "log");
        PidFile = Path.Combine(directory, "rabbitmq.pid");
        PluginsFile = Path.Combine(directory, "enabled_plugins");
        EnvFile = Path.Combine(directory, "rabbitmq-env.conf");
        ConfigFile = Path.Combine(directory, "rabbitmq.conf");

        var inv = CultureInfo.InvariantCulture;
        _environment = new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["RABBITMQ_NODENAME"] = nodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(inv),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(inv),
            ["RABBITMQ_MNESIA_BASE"] = MnesiaBase,
            ["RABBITMQ_LOG_BASE"] = LogBase,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = PluginsFile,
            // Our own (empty) files, so /etc/rabbitmq/ settings meant for a system node do not apply to this one.
            ["RABBITMQ_CONF_ENV_FILE"] = EnvFile,
            ["RABBITMQ_CONFIG_FILE"] = ConfigFile,
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(directory, "advanced.config"),
            ["RABBITMQ_PID_FILE"] = PidFile,
            ["ERL_CRASH_DUMP"] = Path.Combine(directory, "erl_crash.dump"),
            // Erlang distribution (rabbitmqctl) on loopback only.
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        };
        if (epmdPort is { } epmd)
        {
            // A private epmd: stopping it can never disturb a system node or another node of ours.
            _environment["ERL_EPMD_PORT"] = epmd.ToString(inv);
            _environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        }
    }

    public string Directory { get; }

    public string NodeName { get; }

    /// <summary>The AMQP port, on 127.0.0.1 only.</summary>
    public int Port { get; }

    public string ServerPath { get; }

    /// <summary><c>rabbitmqctl</c> beside the server script (the <c>/usr/sbin</c> wrapper switches user, and so reads another Erlang cookie).</summary>
    public string CtlPath => Path.Combine(Path.GetDirectoryName(ServerPath)!, "rabbitmqctl");

    public string Home { get; }

    public string MnesiaBase { get; }

    public string LogBase { get; }

    /// <summary>Where the node writes the pid of its Erlang VM (beam.smp).</summary>
    public string PidFile { get; }

    public string PluginsFile { get; }

    public string EnvFile { get; }

    public string ConfigFile { get; }

    /// <summary>The node's own log file.</summary>
    public string LogFile => Path.Combine(LogBase, NodeName + ".log");

    public IReadOnlyDictionary<string, string> Environment => _environment;

    /// <summary>The guest user's AMQP URI for <paramref name="virtualHost"/> (the default one when empty).</summary>
    public Uri AmqpUri(string host = "localhost", string virtualHost = "") =>
        new($"amqp://guest:guest@{host}:{Port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(virtualHost)}");

    /// <summary>Creates the folders, an empty plugin list and the node's own configuration files (<paramref name="config"/> as rabbitmq.conf).</summary>
    /// <param name="writtenBy">Who wrote the files, for a reader who finds them.</param>
    public void WriteFiles(string config, string writtenBy)
    {
        foreach (var dir in new[] { Home, MnesiaBase, LogBase }) System.IO.Directory.CreateDirectory(dir);
        File.WriteAllText(PluginsFile, "[].\n");
        File.WriteAllText(EnvFile, $"# Written by {writtenBy}: keeps /etc/rabbitmq/rabbitmq-env.conf out of this node.\n");
        File.WriteAllText(ConfigFile, config.EndsWith('\n') ? config : config + "\n");
    }

    /// <summary>Runs <c>rabbitmqctl -n node ...</c> with the node's environment.</summary>
    public Task<CliResult> CtlAsync(IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Cli.RunAsync(CtlPath, new[] { "-n", NodeName }.Concat(arguments), Environment, timeout, cancellationToken);

    /// <summary>The pid of the node's Erlang VM, from its pid file; null when there is none (yet).</summary>
    public int? ReadPid()
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
