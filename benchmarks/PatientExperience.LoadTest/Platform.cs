using System.Globalization;
using PatientExperience.Testing;

namespace PatientExperience.LoadTest;

/// <summary>
/// The platform under load: one already running (<c>--target</c>, and <c>--intake</c> for intake's own port), or the
/// standalone host this tool starts itself (<c>--start standalone</c>) from its build output in the tool's configuration
/// (run the tool in Release), with its own data folder and free ports, Development (for <c>/dev/token</c>), logging at
/// Warning, and the gateway's public rate limit lifted (<c>Gateway__PublicPermitLimit</c>, <c>Gateway__PublicWindowSeconds</c>).
/// </summary>
internal sealed class Platform : IAsyncDisposable
{
    /// <summary>Settings a load run needs from the platform; a running platform must be started with the same.</summary>
    public static readonly IReadOnlyDictionary<string, string?> LoadSettings = new Dictionary<string, string?>
    {
        // The public forms are limited per client address to 30 a minute; a load run comes from one address.
        ["Gateway__PublicPermitLimit"] = "1000000",
        ["Gateway__PublicWindowSeconds"] = "1",
        // Information-level request logging costs more than the proxy hop itself.
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        // survey-responses reads the invitation links from the development mailbox.
        ["Notification__DevMailboxCapacity"] = "100000",
    };

    private readonly ServiceProcess? _process;
    private readonly string? _dataDirectory;

    private Platform(Uri gateway, Uri? intake, ServiceProcess? process, string? dataDirectory)
    {
        Gateway = gateway;
        Intake = intake;
        _process = process;
        _dataDirectory = dataDirectory;
    }

    public Uri Gateway { get; }

    /// <summary>Intake's own port (the standalone host's services port), when known.</summary>
    public Uri? Intake { get; }

    public int? ProcessId => _process?.Id;

    public string Description => _process is null ? $"running platform at {Gateway}" : $"standalone host (pid {_process.Id}) started by the tool, gateway {Gateway}, services {Intake}";

    public static Platform Running(Uri gateway, Uri? intake) => new(gateway, intake, null, null);

    public static async Task<Platform> StartStandaloneAsync(IReadOnlyDictionary<string, string?> extraSettings, CancellationToken ct)
    {
        var data = Path.Combine(Path.GetTempPath(), "pxp-loadtest-" + Guid.NewGuid().ToString("N")[..8]);
        int gatewayPort = TestPorts.Reserve(), servicesPort = TestPorts.Reserve(), grpcPort = TestPorts.Reserve();
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Standalone__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Standalone__ServicesPort"] = servicesPort.ToString(CultureInfo.InvariantCulture),
            ["Standalone__GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture),
            ["Storage__DataDirectory"] = data,
            ["ConnectionStrings__rabbitmq"] = null,
            ["ConnectionStrings__mongo"] = null,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
        };
        foreach (var (key, value) in LoadSettings) environment[key] = value;
        foreach (var (key, value) in extraSettings) environment[key] = value;
        var gateway = new Uri($"http://127.0.0.1:{gatewayPort}");
        var process = ServiceProcess.Start("PatientExperience.Standalone", environment, "standalone");
        await process.WaitUntilReadyAsync(new Uri(gateway, "/health/ready"), TimeSpan.FromSeconds(180), ct);
        return new Platform(gateway, new Uri($"http://127.0.0.1:{servicesPort}"), process, data);
    }

    /// <summary>Resident memory of the started host in MB (null for a platform the tool did not start).</summary>
    public double? ResidentMegabytes()
    {
        if (_process is null) return null;
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(_process.Id);
            return Math.Round(p.WorkingSet64 / 1024.0 / 1024.0, 1);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public string Output => _process?.Output ?? "";

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
