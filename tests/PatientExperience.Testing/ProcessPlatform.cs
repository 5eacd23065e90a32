using System.Globalization;
using System.Security.Cryptography;
using PatientExperience.Testing;
using PatientExperience.Testing.Smtp;

namespace PatientExperience.FaultRun;

/// <summary>
/// The platform under a fault run: a RabbitMQ broker (a private node this run can restart, or RABBITMQ_URI), the case,
/// intake and notification services and the gateway each in its own process with its own SQLite folder, and a real SMTP
/// server in this process that the notification service sends to. Any service can be SIGKILLed and restarted on its data.
/// </summary>
public sealed class FaultRunPlatform : IAsyncDisposable
{
    // Fresh keys for each run (32 random bytes): the processes run in Development on loopback, on throw-away data.
    private static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string PhiKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string PatientReferenceKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly RabbitMqBroker _broker;
    private readonly string _rabbitUri;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxp-faultrun-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<string, Service> _services = new(StringComparer.Ordinal);

    private FaultRunPlatform(RabbitMqBroker broker, string virtualHost, string rabbitUri, TestSmtpServer smtp)
    {
        _broker = broker;
        VirtualHost = virtualHost;
        _rabbitUri = rabbitUri;
        Smtp = smtp;
    }

    /// <summary>The services a run crashes, in the order it starts them (case before intake: its queue must exist first).</summary>
    public static readonly IReadOnlyList<string> ServiceNames = ["case", "intake", "notification", "gateway"];

    public TestSmtpServer Smtp { get; }

    public string VirtualHost { get; }

    public RabbitMqBroker Broker => _broker;

    public Uri GatewayUri => _services["gateway"].BaseUri;

    /// <summary>Starts the broker and the four services; null with <paramref name="skipReason"/> set when no RabbitMQ is available.</summary>
    public static async Task<(FaultRunPlatform? Platform, string? SkipReason)> StartAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var broker = await RabbitMqBroker.ResolveAsync(cancellationToken).ConfigureAwait(false);
        if (!broker.IsAvailable)
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            return (null, broker.SkipReason);
        }

        log($"broker: {broker.Description}");
        var virtualHost = "faultrun-" + Guid.NewGuid().ToString("N")[..8];
        var uri = await broker.CreateVirtualHostAsync(virtualHost, cancellationToken).ConfigureAwait(false);
        var platform = new FaultRunPlatform(broker, virtualHost, uri, TestSmtpServer.Start());
        try
        {
            platform.Define();
            foreach (var name in ServiceNames)
            {
                await platform.StartAsync(name, cancellationToken).ConfigureAwait(false);
                log($"{name}: ready");
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

    private void Define()
    {
        var ports = Enumerable.Range(0, 7).Select(_ => ServiceProcess.FreeTcpPort()).ToArray();
        var (caseHttp, caseGrpc, intakeHttp, intakeGrpc, notificationHttp, notificationGrpc, gatewayHttp) =
            (ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], ports[6]);
        string Url(int port) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");

        Add("case", "PatientExperience.Case", caseHttp, caseGrpc, new()
        {
            ["Directory__SeedDemo"] = "true",
            ["Directory__SeedAssignmentPolicies"] = "false",
            ["Complainants__PublicBaseUrl"] = "http://localhost:8080",
            ["Phi__EncryptionKey"] = PhiKey,
        });
        Add("intake", "PatientExperience.Intake", intakeHttp, intakeGrpc, new()
        {
            ["Phi__EncryptionKey"] = PhiKey,
            ["Intake__CaseGrpcAddress"] = Url(caseGrpc),
            ["Intake__PatientReferenceKey"] = PatientReferenceKey,
        });
        Add("notification", "PatientExperience.Notification", notificationHttp, notificationGrpc, new()
        {
            ["Phi__EncryptionKey"] = PhiKey,
            ["Notification__CaseGrpcAddress"] = Url(caseGrpc),
            ["Notification__IntakeGrpcAddress"] = Url(intakeGrpc),
            ["Notification__ConsoleBaseUrl"] = "http://console.faultrun.test",
            ["ConnectionStrings__smtp"] = Smtp.ConnectionString,
            ["Notification__PatientQuietHours__Start"] = "",
            ["Notification__PatientQuietHours__End"] = "",
        });
        Add("gateway", "PatientExperience.Gateway", gatewayHttp, grpcPort: null, new()
        {
            ["ReverseProxy__Clusters__intake__Destinations__primary__Address"] = Url(intakeHttp),
            ["ReverseProxy__Clusters__case__Destinations__primary__Address"] = Url(caseHttp),
            ["ReverseProxy__Clusters__notification__Destinations__primary__Address"] = Url(notificationHttp),
            // Survey is not part of the run; its route answers 502, which the run never calls.
            ["ReverseProxy__Clusters__survey__Destinations__primary__Address"] = Url(ServiceProcess.FreeTcpPort()),
            // One client (this process) submits every concern: the per-client limit of public forms must not refuse the run's rate.
            ["Gateway__PublicPermitLimit"] = "1000000",
        });

        void Add(string name, string project, int httpPort, int? grpcPort, Dictionary<string, string?> specific)
        {
            var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__rabbitmq"] = _rabbitUri,
                ["Auth__SigningKey"] = SigningKey,
                ["Storage__DataDirectory"] = Path.Combine(_data, name),
                ["Logging__LogLevel__Default"] = "Warning",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
                ["Kestrel__Endpoints__Http__Url"] = Url(httpPort),
            };
            if (grpcPort is { } grpc)
            {
                environment["Kestrel__Endpoints__Grpc__Url"] = Url(grpc);
                environment["Kestrel__Endpoints__Grpc__Protocols"] = "Http2";
            }

            foreach (var (key, value) in specific) environment[key] = value;
            _services[name] = new Service(name, project, new Uri(Url(httpPort)), environment);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var name in ServiceNames.Reverse())
        {
            if (_services.TryGetValue(name, out var service) && service.Process is { } process) await process.DisposeAsync().ConfigureAwait(false);
        }

        await Smtp.DisposeAsync().ConfigureAwait(false);
        await _broker.DisposeAsync().ConfigureAwait(false);
        try
        {
            // PXP_FAULT_RUN_KEEP=1 keeps the services' stores (under the temporary folder, pxp-faultrun-*) to look into afterwards.
            if (Directory.Exists(_data) && Environment.GetEnvironmentVariable("PXP_FAULT_RUN_KEEP") != "1") Directory.Delete(_data, recursive: true);
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
