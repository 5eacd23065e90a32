using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace PatientExperience.AppHost.RabbitMq;

/// <summary>
/// A private RabbitMQ node run from the installed <c>rabbitmq-server</c> script: its own node name, ports, data, logs, cookie
/// (HOME) and an empty plugin list, all under one folder, so it neither touches a system node nor needs root. Its data
/// survives restarts of the AppHost, like the services' SQLite files.
/// </summary>
public sealed partial class LocalRabbitMqNode
{
    private const string Epmd = "epmd";

    public LocalRabbitMqNode(LocalRabbitMqSettings settings, string directory)
    {
        Settings = settings;
        Directory = directory;
        Home = Path.Combine(directory, "home");
        PidFile = Path.Combine(directory, "rabbitmq.pid");
        var inv = CultureInfo.InvariantCulture;
        Environment = new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["RABBITMQ_NODENAME"] = settings.NodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = settings.Port.ToString(inv),
            ["RABBITMQ_DIST_PORT"] = settings.DistributionPort.ToString(inv),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins"),
            // Our own (empty) files, so /etc/rabbitmq/ settings meant for a system node do not apply to this one.
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(directory, "rabbitmq-env.conf"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq.conf"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(directory, "advanced.config"),
            ["RABBITMQ_PID_FILE"] = PidFile,
            // Erlang distribution (rabbitmqctl) on loopback only.
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        };
    }

    public LocalRabbitMqSettings Settings { get; }

    public string Directory { get; }

    public string Home { get; }

    public string PidFile { get; }

    /// <summary>Everything the server script and <c>rabbitmqctl</c> need to find this node.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary><c>rabbitmqctl</c> beside the server script (the <c>/usr/sbin</c> wrapper switches user, and so reads another Erlang cookie).</summary>
    public string CtlPath => Path.Combine(Path.GetDirectoryName(Settings.ServerPath)!, "rabbitmqctl");

    public Uri AmqpUri => new($"amqp://guest:guest@localhost:{Settings.Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Creates the folders and the node's own (empty) configuration files; fails early, with a way out, when a port is taken.</summary>
    public void Prepare()
    {
        foreach (var dir in new[] { Home, Environment["RABBITMQ_MNESIA_BASE"], Environment["RABBITMQ_LOG_BASE"] })
            System.IO.Directory.CreateDirectory(dir);
        File.WriteAllText(Environment["RABBITMQ_ENABLED_PLUGINS_FILE"], "[].\n");
        File.WriteAllText(Environment["RABBITMQ_CONF_ENV_FILE"], "# Written by the AppHost: keeps /etc/rabbitmq/rabbitmq-env.conf out of this node.\n");
        File.WriteAllText(Environment["RABBITMQ_CONFIG_FILE"], "# Written by the AppHost: listeners come from RABBITMQ_NODE_IP_ADDRESS and RABBITMQ_NODE_PORT.\n");

        foreach (var (what, port) in new[] { ("AMQP", Settings.Port), ("Erlang distribution", Settings.DistributionPort) })
        {
            if (!IsFree(port))
            {
                throw new AppHostConfigurationException(
                    $"Port {port} ({what} of the local RabbitMQ node {Settings.NodeName}) is in use. A node left by an earlier run can be stopped with " +
                    $"'HOME={Home} {CtlPath} -n {Settings.NodeName} stop'; or choose other ports with AppHost:RabbitMq:Port and " +
                    "AppHost:RabbitMq:DistributionPort, or give ConnectionStrings:rabbitmq.");
            }
        }
    }

    /// <summary>
    /// After the AppHost has stopped: waits for the node to exit (Aspire sends the server script SIGTERM, which stops it cleanly),
    /// stops it with <c>rabbitmqctl stop</c> if it is still there after <see cref="LocalRabbitMqSettings.StopTimeoutSeconds"/>
    /// (killing it as the last resort), then stops epmd unless another Erlang node still uses it.
    /// </summary>
    public async Task EnsureStoppedAsync(ILogger logger)
    {
        var timeout = TimeSpan.FromSeconds(Settings.StopTimeoutSeconds);
        if (ReadPid() is int pid && !await WaitForExitAsync(pid, timeout))
        {
            LogStillRunning(logger, Settings.NodeName, timeout.TotalSeconds);
            await RunAsync(CtlPath, ["-n", Settings.NodeName, "stop", PidFile], timeout);
            if (!await WaitForExitAsync(pid, TimeSpan.FromSeconds(5)))
            {
                LogKilling(logger, Settings.NodeName, pid);
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Exited meanwhile.
                }
            }
        }

        var names = await RunAsync(Epmd, ["-names"], TimeSpan.FromSeconds(10));
        if (names is null) return; // No epmd running (or none installed): nothing to stop.
        var others = names.Split('\n').Where(line => line.StartsWith("name ", StringComparison.Ordinal)).Select(line => line.Trim()).ToList();
        if (others.Count == 0)
        {
            await RunAsync(Epmd, ["-kill"], TimeSpan.FromSeconds(10));
            LogEpmdStopped(logger);
        }
        else
        {
            LogEpmdLeft(logger, string.Join("; ", others));
        }
    }

    private static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(200);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The RabbitMQ node {Node} was still running {Seconds} s after the AppHost stopped; stopping it with rabbitmqctl")]
    private static partial void LogStillRunning(ILogger logger, string node, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The RabbitMQ node {Node} did not stop; killing process {Pid}")]
    private static partial void LogKilling(ILogger logger, string node, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped epmd: no other Erlang node uses it")]
    private static partial void LogEpmdStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Left epmd running: other Erlang nodes use it ({Nodes})")]
    private static partial void LogEpmdLeft(ILogger logger, string nodes);

    private int? ReadPid()
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

    private static bool IsAlive(int pid)
    {
        // A zombie (exited, not yet reaped) counts as gone.
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            return state is not ('Z' or 'X' or default(char));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Runs a tool with the node's environment; its output, or null when it could not run or failed.</summary>
    private async Task<string?> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in Environment) start.Environment[k] = v;
        try
        {
            using var process = Process.Start(start);
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            await error;
            return process.ExitCode == 0 ? await output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
