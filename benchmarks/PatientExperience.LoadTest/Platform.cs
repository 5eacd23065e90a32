using System.Globalization;
using PatientExperience.Testing;

namespace PatientExperience.LoadTest;

/// <summary>
/// The platform under load: one already running (<c>--target</c>, and <c>--intake</c> for intake's own port), or one this
/// tool starts itself from the build output in the tool's configuration (run the tool in Release) with its own data
/// folder and free ports, Development (for <c>/dev/token</c>), logging at Warning, and the gateway's public rate limit
/// lifted (<c>Gateway__PublicPermitLimit</c>, <c>Gateway__PublicWindowSeconds</c>): the standalone host
/// (<c>--start standalone</c>), or every service in a process of its own over RabbitMQ (<c>--start distributed</c>, a
/// <see cref="ProcessPlatform"/>: a private <c>rabbitmq-server</c> node, or <c>RABBITMQ_URI</c>).
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
    };

    /// <summary>
    /// survey-responses reads the invitation links from the development mailbox, so it keeps them all; every other mode keeps
    /// the default 1,000 (the mailbox holds each email in memory: 100,000 of them made a 10-minute run look like a leak).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ModeSettings(string mode) => mode == "survey-responses"
        ? new Dictionary<string, string?> { ["Notification__DevMailboxCapacity"] = "100000" }
        : new Dictionary<string, string?>();

    private readonly ServiceProcess? _process;
    private readonly string? _dataDirectory;
    private readonly ProcessPlatform? _distributed;

    private Platform(Uri gateway, Uri? intake, ServiceProcess? process, string? dataDirectory, ProcessPlatform? distributed = null)
    {
        Gateway = gateway;
        Intake = intake;
        _process = process;
        _dataDirectory = dataDirectory;
        _distributed = distributed;
    }

    public Uri Gateway { get; }

    /// <summary>Intake's own port (the standalone host's services port), when known.</summary>
    public Uri? Intake { get; }

    public string Description => (_process, _distributed) switch
    {
        ({ } host, _) => $"standalone host (pid {host.Id}) started by the tool, gateway {Gateway}, services {Intake}",
        (_, { } platform) => $"every service in its own process over RabbitMQ (virtual host {platform.VirtualHost} on {platform.Broker.Description}), "
            + $"started by the tool: {string.Join(", ", platform.ServiceNames.Select(s => $"{s} pid {platform.ProcessId(s)}"))}; gateway {Gateway}",
        _ => $"running platform at {Gateway}",
    };

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

    /// <summary>
    /// Starts every service in a process of its own over RabbitMQ; the gateway's routes point at them. Throws when no broker can
    /// be had (no <c>rabbitmq-server</c> installed and no <c>RABBITMQ_URI</c>).
    /// </summary>
    public static async Task<Platform> StartDistributedAsync(IReadOnlyDictionary<string, string?> extraSettings, CancellationToken ct)
    {
        var settings = new Dictionary<string, string?>(LoadSettings);
        foreach (var (key, value) in extraSettings) settings[key] = value;
        var (platform, skip) = await ProcessPlatform.StartAsync(ProcessPlatform.AllServices, settings, "pxp-loadtest-", Console.WriteLine, ct);
        if (platform is null) throw new InvalidOperationException($"--start distributed needs RabbitMQ: {skip}");
        return new Platform(platform.GatewayUri, platform.ServiceUri("intake"), null, null, platform);
    }

    /// <summary>Resident memory in MB of each process the tool started (empty for a platform it did not start).</summary>
    public IReadOnlyDictionary<string, double> ResidentMegabytes()
    {
        var processes = _process is not null
            ? new Dictionary<string, int?> { ["standalone"] = _process.Id }
            : _distributed?.ServiceNames.ToDictionary(s => s, _distributed.ProcessId) ?? [];
        var resident = new Dictionary<string, double>();
        foreach (var (name, pid) in processes)
        {
            if (pid is null) continue;
            try
            {
                using var p = System.Diagnostics.Process.GetProcessById(pid.Value);
                resident[name] = Math.Round(p.WorkingSet64 / 1024.0 / 1024.0, 1);
            }
            catch (ArgumentException)
            {
                // Exited.
            }
        }

        return resident;
    }

    public string Output => _process?.Output ?? _distributed?.Output() ?? "";

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        if (_distributed is not null) await _distributed.DisposeAsync();
        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
