using System.Globalization;
using System.Security.Cryptography;
using PatientExperience.Testing.Smtp;

namespace PatientExperience.Testing;

/// <summary>
/// The platform as separate processes over a real RabbitMQ broker (a private node this run can restart, or RABBITMQ_URI), as
/// it is deployed: each service from its build output in a process of its own with its own SQLite folder, the notification
/// service sending email to a real SMTP server in this process. Used by the fault run (which SIGKILLs and restarts services
/// on their data) and by the load tool's distributed mode. Services are started in <see cref="AllServices"/> order (case
/// first: its queues must exist before intake publishes); a run may start a subset, and the gateway's routes to a service
/// not started answer 503.
/// </summary>
public sealed class ProcessPlatform : IAsyncDisposable
{
    // Fresh keys for each run (32 random bytes): the processes run in Development on loopback, on throw-away data.
    private static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string PhiKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string PatientReferenceKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Every service of the platform, in the order they start.</summary>
    public static readonly IReadOnlyList<string> AllServices = ["case", "intake", "notification", "survey", "reporting", "gateway"];

    private readonly RabbitMqBroker _broker;
    private readonly string _rabbitUri;
    private readonly string _data;
    private readonly IReadOnlyList<string> _names;
    private readonly Dictionary<string, Service> _services = new(StringComparer.Ordinal);

    private ProcessPlatform(RabbitMqBroker broker, string virtualHost, string rabbitUri, TestSmtpServer smtp, IReadOnlyList<string> names, string dataPrefix)
    {
        _broker = broker;
        VirtualHost = virtualHost;
        _rabbitUri = rabbitUri;
        Smtp = smtp;
        _names = names;
        _data = Path.Combine(Path.GetTempPath(), dataPrefix + Guid.NewGuid().ToString("N")[..8]);
    }

    public TestSmtpServer Smtp { get; }

    public string VirtualHost { get; }

    public RabbitMqBroker Broker => _broker;

    /// <summary>The services this platform runs, in start order.</summary>
    public IReadOnlyList<string> ServiceNames => _names;

    public Uri GatewayUri => _services["gateway"].BaseUri;

    /// <summary>A service's own HTTP address (intake's, to load it past the gateway).</summary>
    public Uri ServiceUri(string name) => _services[name].BaseUri;

    /// <summary>The process id of a running service; null while it is down.</summary>
    public int? ProcessId(string name) => _services[name].Process?.Id;

    /// <summary>
    /// Starts the broker and <paramref name="services"/> (a subset of <see cref="AllServices"/>, started in that order) with
    /// <paramref name="settings"/> given to every process; null with the skip reason when no RabbitMQ is available.
    /// </summary>
    /// <param name="dataPrefix">The name of the temporary folder of the services' stores, before a random suffix.</param>
    public static async Task<(ProcessPlatform? Platform, string? SkipReason)> StartAsync(
        IReadOnlyCollection<string> services, IReadOnlyDictionary<string, string?> settings, string dataPrefix, Action<string> log, CancellationToken cancellationToken)
    {
        var unknown = services.Except(AllServices, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown services: {string.Join(", ", unknown)}.", nameof(services));
        var broker = await RabbitMqBroker.ResolveAsync(cancellationToken).ConfigureAwait(false);
        if (!broker.IsAvailable)
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            return (null, broker.SkipReason);
        }

        log($"broker: {broker.Description}");
        var virtualHost = dataPrefix.Trim('-') + "-" + Guid.NewGuid().ToString("N")[..8];
        var uri = await broker.CreateVirtualHostAsync(virtualHost, cancellationToken).ConfigureAwait(false);
        var platform = new ProcessPlatform(broker, virtualHost, uri, TestSmtpServer.Start(), [.. AllServices.Where(services.Contains)], dataPrefix);
        try
        {
            platform.Define(settings);
            foreach (var name in platform._names)
            {
                await platform.StartAsync(name, cancellationToken).ConfigureAwait(false);
                log($"{name}: ready (pid {platform.ProcessId(name)})");
            }

            return (platform, null);
        }
        catch
        {
            await platform.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>SIGKILL (no shutdown code runs), then the same service started again on the same data and ports, ready.</summary>
    public async Task KillAndRestartAsync(string name, CancellationToken cancellationToken)
    {
        var service = _services[name];
        if (service.Process is { } running)
        {
            running.Kill();
            await running.DisposeAsync().ConfigureAwait(false);
            service.Process = null;
        }

        await StartAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every _error queue of the run's virtual host that holds messages, with its count (empty when the broker cannot list them).</summary>
    public async Task<IReadOnlyDictionary<string, long>?> ErrorQueuesAsync(CancellationToken cancellationToken)
    {
        if (!_broker.CanRestart) return null;
        var queues = await _broker.ListQueuesAsync(VirtualHost, cancellationToken).ConfigureAwait(false);
        return queues.Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value > 0).ToDictionary(q => q.Key, q => q.Value, StringComparer.Ordinal);
    }

    /// <summary>The last lines of every process, for a failure message.</summary>
    public string Output() => string.Join(Environment.NewLine,
        _services.Values.Where(s => s.Process is not null).Select(s => $"--- {s.Name} ---{Environment.NewLine}{s.Process!.Output}"));

    private async Task StartAsync(string name, CancellationToken cancellationToken)
    {
        var service = _services[name];
        var process = ServiceProcess.Start(service.Project, service.Environment, name);
        service.Process = process;
        await process.WaitUntilReadyAsync(new Uri(service.BaseUri, "/health/ready"), StartTimeout, cancellationToken).ConfigureAwait(false);
    }

    private void Define(IReadOnlyDictionary<string, string?> settings)
    {
        var http = AllServices.ToDictionary(s => s, _ => ServiceProcess.FreeTcpPort(), StringComparer.Ordinal);
        var grpc = AllServices.Where(s => s != "gateway").ToDictionary(s => s, _ => ServiceProcess.FreeTcpPort(), StringComparer.Ordinal);
        string Url(int port) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");

        Add("case", "PatientExperience.Case", new()
        {
            ["Directory__SeedDemo"] = "true",
            ["Directory__SeedAssignmentPolicies"] = "false",
            ["Complainants__PublicBaseUrl"] = "http://localhost:8080",
            ["Phi__EncryptionKey"] = PhiKey,
        });
        Add("intake", "PatientExperience.Intake", new()
        {
            ["Phi__EncryptionKey"] = PhiKey,
            ["Intake__CaseGrpcAddress"] = Url(grpc["case"]),
            ["Intake__PatientReferenceKey"] = PatientReferenceKey,
        });
        Add("notification", "PatientExperience.Notification", new()
        {
            ["Phi__EncryptionKey"] = PhiKey,
            ["Notification__CaseGrpcAddress"] = Url(grpc["case"]),
            ["Notification__IntakeGrpcAddress"] = Url(grpc["intake"]),
            ["Notification__ConsoleBaseUrl"] = "http://console.platform.test",
            ["ConnectionStrings__smtp"] = Smtp.ConnectionString,
            ["Notification__PatientQuietHours__Start"] = "",
            ["Notification__PatientQuietHours__End"] = "",
        });
        Add("survey", "PatientExperience.Survey", new()
        {
            ["Phi__EncryptionKey"] = PhiKey,
            // Invitation links point at the gateway, where patients answer.
            ["Survey__PublicBaseUrl"] = Url(http["gateway"]),
        });
        // Aggregates only: no PHI key.
        Add("reporting", "PatientExperience.Reporting", []);
        var gateway = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            // One client (the run) submits every concern: the per-client limit of public forms must not refuse its rate.
            ["Gateway__PublicPermitLimit"] = "1000000",
        };
        // A route to a service this platform does not run points at a closed port: the gateway answers it 503.
        foreach (var cluster in new[] { "intake", "case", "notification", "survey", "reporting" })
            gateway[$"ReverseProxy__Clusters__{cluster}__Destinations__primary__Address"] = Url(_names.Contains(cluster) ? http[cluster] : ServiceProcess.FreeTcpPort());
        Add("gateway", "PatientExperience.Gateway", gateway);

        void Add(string name, string project, Dictionary<string, string?> specific)
        {
            if (!_names.Contains(name)) return;
            var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__rabbitmq"] = _rabbitUri,
                ["Auth__SigningKey"] = SigningKey,
                ["Storage__DataDirectory"] = Path.Combine(_data, name),
                ["Logging__LogLevel__Default"] = "Warning",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
                ["Kestrel__Endpoints__Http__Url"] = Url(http[name]),
            };
            if (grpc.TryGetValue(name, out var grpcPort))
            {
                environment["Kestrel__Endpoints__Grpc__Url"] = Url(grpcPort);
                environment["Kestrel__Endpoints__Grpc__Protocols"] = "Http2";
            }

            foreach (var (key, value) in specific) environment[key] = value;
            foreach (var (key, value) in settings) environment[key] = value;
            _services[name] = new Service(name, project, new Uri(Url(http[name])), environment);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _names.Reverse())
        {
            if (_services.TryGetValue(name, out var service) && service.Process is { } process) await process.DisposeAsync().ConfigureAwait(false);
        }

        await Smtp.DisposeAsync().ConfigureAwait(false);
        await _broker.DisposeAsync().ConfigureAwait(false);
        try
        {
            // PXP_KEEP_DATA=1 keeps the services' stores, under the temporary folder, to look into afterwards.
            if (Directory.Exists(_data) && Environment.GetEnvironmentVariable("PXP_KEEP_DATA") != "1") Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may hold a file for a moment; the temporary folder goes with the OS's clean-up.
        }
    }

    private sealed class Service(string name, string project, Uri baseUri, Dictionary<string, string?> environment)
    {
        public string Name { get; } = name;
        public string Project { get; } = project;
        public Uri BaseUri { get; } = baseUri;
        public Dictionary<string, string?> Environment { get; } = environment;
        public ServiceProcess? Process { get; set; }
    }
}
