using System.Diagnostics;
using System.Globalization;
using System.Text;
using PatientExperience.LocalRabbitMq;

namespace PatientExperience.Testing;

/// <summary>
/// A private RabbitMQ node started from the installed <c>rabbitmq-server</c>: its own node name, ports, Erlang port
/// mapper (epmd) port, data, logs and cookie, all under a fresh temporary folder, so it never collides with a system
/// node or with another test run. The node listens on 127.0.0.1 only and has no plugins.
/// </summary>
internal sealed class LocalRabbitMqNode : IAsyncDisposable
{
    public const string ServerPath = RabbitMqNodeLayout.DefaultServerPath;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(60);

    private readonly RabbitMqNodeLayout _layout;
    private readonly string _markerFile;
    private readonly string _consoleFile;
    private Process? _server;
    private IDisposable? _exitHook;
    private int _stopped;

    private LocalRabbitMqNode()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var ports = new HashSet<int>();
        while (ports.Count < 3) ports.Add(ServiceProcess.FreeTcpPort());
        var (amqpPort, distPort, epmdPort) = (ports.ElementAt(0), ports.ElementAt(1), ports.ElementAt(2));
        _layout = new RabbitMqNodeLayout(Path.Combine(Path.GetTempPath(), $"pxp-rabbitmq-{id}"), $"pxp-test-{id}@localhost", amqpPort, distPort, epmdPort: epmdPort);
        _layout.WriteFiles(string.Create(CultureInfo.InvariantCulture, $"""
            listeners.tcp.1 = 127.0.0.1:{Port}
            log.console = false
            log.file.level = info
            """), "the test helpers");
        _markerFile = Path.Combine(_layout.Directory, "running");
        _consoleFile = Path.Combine(_layout.Directory, "console.log");
        File.WriteAllText(_markerFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    public static string CtlPath => Path.Combine(Path.GetDirectoryName(ServerPath)!, "rabbitmqctl");

    public string NodeName => _layout.NodeName;

    public int Port => _layout.Port;

    public TimeSpan StartupTime { get; private set; }

    public string Uri(string virtualHost) => _layout.AmqpUri("127.0.0.1", virtualHost).ToString();

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
        StartServer();

        // An immediate await_startup fails (exit 69) until the node has registered with epmd: poll.
        CliResult last = default;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_server!.HasExited)
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

    /// <summary>
    /// After a restart (the virtual hosts exist already) the node is back for clients when its AMQP listener accepts
    /// connections: a TCP connect, which costs nothing, rather than polling rabbitmqctl await_startup (an Erlang VM each
    /// time: on a loaded machine each call took longer than the restart). Clients reconnect by themselves.
    /// </summary>
    private async Task WaitForListenerAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_server!.HasExited)
                throw new InvalidOperationException($"rabbitmq-server exited with code {_server.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s.");
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Port {Port} not accepting connections after {timeout.TotalSeconds:0} s.");
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, Port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void StartServer()
    {
        // Run the server script directly (not the su wrapper). It stays in the foreground, runs beam.smp as its child and
        // turns SIGTERM into a clean stop. Its console goes to a file: a pipe would break if this process died.
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = _layout.Directory };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec \"$0\" </dev/null >>\"$1\" 2>&1");
        startInfo.ArgumentList.Add(ServerPath);
        startInfo.ArgumentList.Add(_consoleFile);
        foreach (var (key, value) in _layout.Environment) startInfo.Environment[key] = value;
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
            arguments: [_markerFile, NodeName, CtlPath, _layout.PidFile, _server.Id.ToString(CultureInfo.InvariantCulture), _layout.Directory],
            environment: _layout.Environment);
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
        _layout.CtlAsync(arguments, timeout, cancellationToken);

    /// <summary>The last lines of the node's console and log file, for failure messages.</summary>
    public string LogTail(int lines = 40)
    {
        var text = new StringBuilder();
        foreach (var (title, path) in new[] { ("console", _consoleFile), ("log", _layout.LogFile) })
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

        return text.Length == 0 ? $"(the node {NodeName} wrote no log under {_layout.Directory})" : text.ToString();
    }

    /// <summary>
    /// A broker restart: stops the node cleanly (as <see cref="DisposeAsync"/> does) and starts it again on the same name,
    /// ports and data, so durable queues and persistent messages survive it. Clients see their connections dropped.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) == 1, this);
        _exitHook?.Dispose();
        await TerminateServerAsync().ConfigureAwait(false);
        _server?.Dispose();
        _server = null;
        StartServer();
        await WaitForListenerAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every queue of <paramref name="virtualHost"/> with its ready and unacknowledged message count (<c>rabbitmqctl list_queues</c>).</summary>
    public async Task<IReadOnlyDictionary<string, long>> ListQueuesAsync(string virtualHost, CancellationToken cancellationToken = default)
    {
        var listed = await CtlAsync(["list_queues", "-q", "--no-table-headers", "-p", virtualHost, "name", "messages"], CtlTimeout, cancellationToken).ConfigureAwait(false);
        if (!listed.Succeeded) throw new InvalidOperationException($"rabbitmqctl list_queues -p {virtualHost} failed: {listed}");
        var queues = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('\t');
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var messages)) queues[parts[0]] = messages;
        }

        return queues;
    }

    /// <summary>Stops the node (rabbitmqctl stop, which waits for the OS process), kills it after a timeout, stops the private epmd and deletes the folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        _exitHook?.Dispose();
        await StopServerAsync().ConfigureAwait(false);
        await ErlangPortMapper.StopIfUnusedAsync(_layout.Environment).ConfigureAwait(false);
        _server?.Dispose();
        DeleteDirectory();
    }

    /// <summary>SIGTERM to the server script, which stops the node cleanly (no rabbitmqctl: an Erlang VM to start, slow on a loaded machine).</summary>
    private async Task TerminateServerAsync()
    {
        var server = _server;
        if (server is not null && !server.HasExited)
        {
            await Cli.RunAsync("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)], null, TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await server.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Cli.KillQuietly(server);
            }
        }

        NodeProcess.KillBeam(_layout);
    }

    private async Task StopServerAsync()
    {
        var server = _server;
        if (server is not null && !server.HasExited)
        {
            var stop = File.Exists(_layout.PidFile) ? new[] { "stop", _layout.PidFile } : ["stop"];
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

        NodeProcess.KillBeam(_layout);
    }

    /// <summary>When the test process is exiting: no time for a graceful stop, the node's data is throw-away.</summary>
    private void StopNow()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        if (_server is not null) Cli.KillQuietly(_server);
        NodeProcess.KillBeam(_layout);
        ErlangPortMapper.StopIfUnused(_layout.Environment);

        DeleteDirectory();
    }

    private void DeleteDirectory()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(_layout.Directory)) Directory.Delete(_layout.Directory, recursive: true);
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
