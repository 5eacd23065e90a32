using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using PatientExperience.LocalRabbitMq;

namespace PatientExperience.Testing;

/// <summary>
/// A service of this repository running as a separate OS process (<c>dotnet &lt;project&gt;.dll</c> from its build
/// output), so tests can crash it, stop it gracefully and restart it. Its console output is kept (the last
/// <see cref="MaxLines"/> lines) for failure messages.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    public const int MaxLines = 2000;
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly OutputBuffer _output;
    private readonly string _projectName;
    private readonly Dictionary<string, string?> _environment;
    private readonly IDisposable _exitHook;
    private int _disposed;

    private ServiceProcess(string projectName, Dictionary<string, string?> environment, string name, OutputBuffer output)
    {
        _projectName = projectName;
        _environment = environment;
        _output = output;
        Name = name;

        var assembly = RepositoryPaths.BuiltAssembly(projectName);
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        startInfo.ArgumentList.Add(assembly);
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in environment)
        {
            if (value is null) startInfo.Environment.Remove(key);
            else startInfo.Environment[key] = value;
        }

        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Add(e.Data); };
        if (!_process.Start()) throw new InvalidOperationException($"Could not start {name} ({assembly}).");
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _output.Add(string.Create(CultureInfo.InvariantCulture, $"--- {name}: started {projectName} as pid {_process.Id} ---"));

        _exitHook = ExitHooks.Register(() => Cli.KillQuietly(_process));
        OrphanGuard.Start(
            keepWatching: "alive \"$2\"",
            cleanup: "kill -KILL \"$2\" 2>/dev/null || true",
            arguments: [_process.Id.ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>The name used in messages ("case", "intake-1").</summary>
    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited; null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines the process wrote (stdout and stderr interleaved), across restarts, for assertion messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output.Snapshot());

    public IReadOnlyList<string> Lines => _output.Snapshot();

    /// <summary>
    /// Runs <c>dotnet &lt;repo&gt;/&lt;dir&gt;/bin/&lt;Configuration&gt;/net10.0/&lt;projectName&gt;.dll</c> with the given
    /// environment added (a null value removes a variable); ASPNETCORE_ENVIRONMENT and DOTNET_ENVIRONMENT are Development unless given.
    /// </summary>
    public static ServiceProcess Start(string projectName, IDictionary<string, string?> environment, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectName);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new ServiceProcess(projectName, new Dictionary<string, string?>(environment, StringComparer.Ordinal), name, new OutputBuffer(MaxLines));
    }

    /// <summary>Polls GET <paramref name="healthUrl"/> until it answers 200; fails with the output if the process exits or the timeout passes.</summary>
    public async Task WaitUntilReadyAsync(Uri healthUrl, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(healthUrl);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{Name} exited with code {_process.ExitCode} before {healthUrl} answered 200 ({last}).{Environment.NewLine}{Output}"));

            try
            {
                using var response = await http.GetAsync(healthUrl, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = string.Create(CultureInfo.InvariantCulture, $"last answer {(int)response.StatusCode} {response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = $"last error {ex.GetType().Name}: {ex.Message}";
            }

            if (clock.Elapsed >= timeout)
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"{Name} was not ready after {timeout.TotalSeconds:0.#} s: {healthUrl} did not answer 200 ({last}).{Environment.NewLine}{Output}"));

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the process tree at once (SIGKILL: a crash, no shutdown code runs) and waits for it to exit.</summary>
    public void Kill()
    {
        var running = !_process.HasExited;
        Cli.KillQuietly(_process);
        _process.WaitForExit();
        if (running) _output.Add($"--- {Name}: killed ---");
    }

    /// <summary>Asks the process to stop (SIGTERM, a graceful host shutdown), waits up to 30 s, then kills it.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        if (OperatingSystem.IsWindows() || NativeMethods.Kill(_process.Id, NativeMethods.SigTerm) != 0)
        {
            Kill();
            return;
        }

        using var wait = new CancellationTokenSource(GracePeriod);
        try
        {
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            _output.Add(string.Create(CultureInfo.InvariantCulture, $"--- {Name}: stopped with exit code {_process.ExitCode} ---"));
        }
        catch (OperationCanceledException)
        {
            _output.Add($"--- {Name}: did not stop within {GracePeriod.TotalSeconds} s of SIGTERM ---");
            Kill();
        }
    }

    /// <summary>Stops this process if it still runs, then starts the same project with the same settings; the output carries on.</summary>
    public async Task<ServiceProcess> RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
        return new ServiceProcess(_projectName, _environment, Name, _output);
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on and no other test process has been given (see <see cref="TestPorts"/>).</summary>
    public static int FreeTcpPort() => TestPorts.Reserve();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _exitHook.Dispose();
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({_projectName}, pid {_process.Id})");

    /// <summary>The dotnet host that runs this test process (the SDK sets DOTNET_HOST_PATH), else the one beside the runtime, else PATH.</summary>
    private static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;

        // <root>/shared/Microsoft.NETCore.App/<version>/
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory());
        var root = runtime.Parent?.Parent?.Parent?.FullName;
        var beside = root is null ? null : Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return beside is not null && File.Exists(beside) ? beside : "dotnet";
    }

    private static class NativeMethods
    {
        public const int SigTerm = 15;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }

    /// <summary>The last lines written, thread-safe.</summary>
    private sealed class OutputBuffer(int capacity)
    {
        private readonly Queue<string> _lines = new(capacity);
        private readonly Lock _lock = new();

        public void Add(string line)
        {
            lock (_lock)
            {
                if (_lines.Count == capacity) _lines.Dequeue();
                _lines.Enqueue(line);
            }
        }

        public IReadOnlyList<string> Snapshot()
        {
            lock (_lock) return [.. _lines];
        }
    }
}
