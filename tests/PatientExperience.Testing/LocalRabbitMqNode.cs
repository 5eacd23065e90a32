using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace PatientExperience.Testing;

/// <summary>
/// A private RabbitMQ node started from the installed <c>rabbitmq-server</c>: its own node name, ports, Erlang port
/// mapper (epmd) port, data, logs and cookie, all under a fresh temporary folder, so it never collides with a system
/// node or with another test run. The node listens on 127.0.0.1 only and has no plugins.
/// </summary>
internal sealed class LocalRabbitMqNode : IAsyncDisposable
{
    public const string ServerPath = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    public const string CtlPath = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    private const string Epmd = "epmd";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory;
    private readonly string _pidFile;
    private readonly string _markerFile;
    private readonly string _consoleFile;
    private readonly string _logFile;
    private readonly Dictionary<string, string> _environment;
    private Process? _server;
    private IDisposable? _exitHook;
    private int _stopped;

    private LocalRabbitMqNode()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        NodeName = $"pxp-test-{id}@localhost";
        var ports = new HashSet<int>();
        while (ports.Count < 3) ports.Add(ServiceProcess.FreeTcpPort());
        var (amqpPort, distPort, epmdPort) = (ports.ElementAt(0), ports.ElementAt(1), ports.ElementAt(2));
        Port = amqpPort;

        _directory = Path.Combine(Path.GetTempPath(), $"pxp-rabbitmq-{id}");
        var home = Path.Combine(_directory, "home");
        var mnesia = Path.Combine(_directory, "mnesia");
        var logs = Path.Combine(_directory, "log");
        foreach (var dir in new[] { home, mnesia, logs }) Directory.CreateDirectory(dir);

        _pidFile = Path.Combine(_directory, "rabbitmq.pid");
        _markerFile = Path.Combine(_directory, "running");
        _consoleFile = Path.Combine(_directory, "console.log");
        _logFile = Path.Combine(logs, NodeName + ".log");

        var plugins = Path.Combine(_directory, "enabled_plugins");
        File.WriteAllText(plugins, "[].\n");
        var envFile = Path.Combine(_directory, "rabbitmq-env.conf");
        File.WriteAllText(envFile, "# empty: keep /etc/rabbitmq/rabbitmq-env.conf out of this node\n");
        var config = Path.Combine(_directory, "rabbitmq.conf");
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $"""
            listeners.tcp.1 = 127.0.0.1:{Port}
            log.console = false
            log.file.level = info
            """) + "\n");
        File.WriteAllText(_markerFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        var inv = CultureInfo.InvariantCulture;
        _environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(inv),
            ["RABBITMQ_DIST_PORT"] = distPort.ToString(inv),
            ["RABBITMQ_MNESIA_BASE"] = mnesia,
            ["RABBITMQ_LOG_BASE"] = logs,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
            ["RABBITMQ_CONF_ENV_FILE"] = envFile,
            ["RABBITMQ_CONFIG_FILE"] = config,
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_directory, "advanced.config"),
            ["RABBITMQ_PID_FILE"] = _pidFile,
            ["ERL_CRASH_DUMP"] = Path.Combine(_directory, "erl_crash.dump"),
            // Erlang distribution on loopback only.
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            // A private epmd: stopping it can never disturb a system node or another test run's node.
            ["ERL_EPMD_PORT"] = epmdPort.ToString(inv),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        };
    }

    public string NodeName { get; }

    public int Port { get; }

    public TimeSpan StartupTime { get; private set; }

    public string Uri(string virtualHost) => $"amqp://guest:guest@127.0.0.1:{Port}/{System.Uri.EscapeDataString(virtualHost)}";

    /// <summary>Starts the node and waits until it is ready; throws with the node's log tail when it does not start.</summary>
    public static async Task<LocalRabbitMqNode> StartAsync(CancellationToken cancellationToken)
    {
        var node = new LocalRabbitMqNode();
        try
        {
            await node.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return node;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var tail = node.LogTail();
            await node.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"The local RabbitMQ node {node.NodeName} (from {ServerPath}) did not start: {ex.Message}{Environment.NewLine}{tail}", ex);
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();

        // Run the server script directly (not the su wrapper). It stays in the foreground, runs beam.smp as its child and
        // turns SIGTERM into a clean stop. Its console goes to a file: a pipe would break if this process died.
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = _directory };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec \"$0\" </dev/null >>\"$1\" 2>&1");
        startInfo.ArgumentList.Add(ServerPath);
        startInfo.ArgumentList.Add(_consoleFile);
        foreach (var (key, value) in _environment) startInfo.Environment[key] = value;
        _server = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {ServerPath}.");

        _exitHook = ExitHooks.Register(StopNow);
        OrphanGuard.Start(
            keepWatching: "[ -e \"$2\" ]",
            cleanup: """
                timeout 30 "$4" -n "$3" stop "$5" || true
                kill -KILL "$6" $(cat "$5" 2>/dev/null) 2>/dev/null || true
                epmd -names | grep -q '^name ' || epmd -kill || true
                rm -rf "$7"
                """,
            arguments: [_markerFile, NodeName, CtlPath, _pidFile, _server.Id.ToString(CultureInfo.InvariantCulture), _directory],
            environment: _environment);

        // An immediate await_startup fails (exit 69) until the node has registered with epmd: poll.
        CliResult last = default;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_server.HasExited)
                throw new InvalidOperationException($"rabbitmq-server exited with code {_server.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s.");

            var left = StartTimeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"Not ready after {StartTimeout.TotalSeconds:0} s; last rabbitmqctl await_startup: {last}.");

            var wait = (int)Math.Clamp(left.TotalSeconds, 1, 5);
            last = await CtlAsync(["await_startup", "--timeout", wait.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(wait + 20), cancellationToken)
                .ConfigureAwait(false);
            if (last.Succeeded) break;
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }

        StartupTime = clock.Elapsed;
    }

    public async Task<string> CreateVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        var added = await CtlAsync(["add_vhost", name], CtlTimeout, cancellationToken).ConfigureAwait(false);
        if (!added.Succeeded) throw new InvalidOperationException($"rabbitmqctl add_vhost {name} failed: {added}");
        var permitted = await CtlAsync(["set_permissions", "-p", name, "guest", ".*", ".*", ".*"], CtlTimeout, cancellationToken).ConfigureAwait(false);
        if (!permitted.Succeeded) throw new InvalidOperationException($"rabbitmqctl set_permissions -p {name} failed: {permitted}");
        return Uri(name);
    }

    private Task<CliResult> CtlAsync(IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        Cli.RunAsync(CtlPath, new[] { "-n", NodeName }.Concat(arguments), _environment, timeout, cancellationToken);

    /// <summary>The last lines of the node's console and log file, for failure messages.</summary>
    public string LogTail(int lines = 40)
    {
        var text = new StringBuilder();
        foreach (var (title, path) in new[] { ("console", _consoleFile), ("log", _logFile) })
        {
            try
            {
                if (!File.Exists(path)) continue;
                var tail = File.ReadLines(path).TakeLast(lines).ToList();
                text.AppendLine(CultureInfo.InvariantCulture, $"--- {NodeName} {title} ({path}), last {tail.Count} lines ---");
                foreach (var line in tail) text.AppendLine(line);
            }
            catch (IOException ex)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"--- {title}: {ex.Message} ---");
            }
        }

        return text.Length == 0 ? $"(the node {NodeName} wrote no log under {_directory})" : text.ToString();
    }

    /// <summary>Stops the node (rabbitmqctl stop, which waits for the OS process), kills it after a timeout, stops the private epmd and deletes the folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        _exitHook?.Dispose();

        var server = _server;
        if (server is not null && !server.HasExited)
        {
            var stop = File.Exists(_pidFile) ? new[] { "stop", _pidFile } : ["stop"];
            await CtlAsync(stop, CtlTimeout, CancellationToken.None).ConfigureAwait(false);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await server.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Cli.KillQuietly(server);
            }
        }

        KillBeam();
        await StopEpmdAsync().ConfigureAwait(false);
        server?.Dispose();
        DeleteDirectory();
    }

    /// <summary>When the test process is exiting: no time for a graceful stop, the node's data is throw-away.</summary>
    private void StopNow()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        if (_server is not null) Cli.KillQuietly(_server);
        KillBeam();
        try
        {
            var names = Cli.Run(Epmd, ["-names"], _environment, TimeSpan.FromSeconds(5));
            if (!HasRegisteredNodes(names)) Cli.Run(Epmd, ["-kill"], _environment, TimeSpan.FromSeconds(5));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No epmd on the PATH: nothing to stop.
        }

        DeleteDirectory();
    }

    private async Task StopEpmdAsync()
    {
        try
        {
            var names = await Cli.RunAsync(Epmd, ["-names"], _environment, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            if (!HasRegisteredNodes(names)) await Cli.RunAsync(Epmd, ["-kill"], _environment, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No epmd on the PATH: nothing to stop.
        }
    }

    // "epmd -names" prints "name <node> at port <port>" per registered node.
    private static bool HasRegisteredNodes(CliResult names) =>
        names.Succeeded && names.Output.Split('\n').Any(line => line.StartsWith("name ", StringComparison.Ordinal));

    /// <summary>beam.smp is the server script's child: kill it by the pid it wrote, in case the script went first.</summary>
    private void KillBeam()
    {
        try
        {
            if (!File.Exists(_pidFile)) return;
            if (!int.TryParse(File.ReadAllText(_pidFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)) return;
            using var beam = Process.GetProcessById(pid);
            if (beam.ProcessName.StartsWith("beam", StringComparison.Ordinal)) beam.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private void DeleteDirectory()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(100); // A file still being closed by the exiting node; nothing asynchronous to await here.
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }
}
