using System.Globalization;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// The README's first command as a test sees it: the standalone host (every service, the gateway and the web front end in
/// one process, in-memory transport, SQLite files) on free ports with its own data folder, in Development. Tests add the
/// settings their scenario needs; the folder is removed when the test is done.
/// </summary>
public sealed class StandaloneHost(string name, IReadOnlyDictionary<string, string?>? settings = null) : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"pxp-{name}-" + Guid.NewGuid().ToString("N")[..8]);

    public int GatewayPort { get; } = ServiceProcess.FreeTcpPort();

    public int ServicesPort { get; } = ServiceProcess.FreeTcpPort();

    public int GrpcPort { get; } = ServiceProcess.FreeTcpPort();

    public Uri Gateway => new($"http://localhost:{GatewayPort}");

    /// <summary>The running process (after <see cref="StartAsync"/>).</summary>
    public ServiceProcess? Process { get; private set; }

    public Dictionary<string, string?> Environment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Standalone__GatewayPort"] = GatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Standalone__ServicesPort"] = ServicesPort.ToString(CultureInfo.InvariantCulture),
            ["Standalone__GrpcPort"] = GrpcPort.ToString(CultureInfo.InvariantCulture),
            ["Storage__DataDirectory"] = DataDirectory,
            ["ConnectionStrings__rabbitmq"] = null,
            ["ConnectionStrings__mongo"] = null,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) environment[key] = value;
        return environment;
    }

    /// <summary>Starts the host (again, after a stop or a kill: same ports, same data) and waits until it is ready.</summary>
    public async Task<ServiceProcess> StartAsync(string? label = null, TimeSpan? readyWithin = null)
    {
        Process = ServiceProcess.Start("PatientExperience.Standalone", Environment(), label ?? "standalone");
        await Process.WaitUntilReadyAsync(new Uri(Gateway, "/health/ready"), readyWithin ?? TimeSpan.FromSeconds(60), Ct);
        return Process;
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is not null) await Process.DisposeAsync();
        try
        {
            if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may hold a file for a moment.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
