using System.Net.Http.Headers;
using System.Net.Http.Json;
using PatientExperience.EndToEnd.Tests;
using PatientExperience.Testing;
using PatientExperience.Testing.Smtp;

[assembly: AssemblyFixture(typeof(PlatformFixture))]
// One platform for the assembly, and one test crashes and restarts a service: run the tests one at a time.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// The platform as it runs distributed: a RabbitMQ broker, and the case, survey, notification and intake services and the gateway each in its own
/// process with its own SQLite file. Started once for the assembly (the processes take seconds); tests that crash a
/// process restart it before they finish.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const string SigningKey = "ZTJlLXRlc3Qtc2lnbmluZy1rZXktbm90LWZvci1wcm9kdWN0aW9uLXVzZS0zMmI=";
    public const string PhiKey = "ZTJlLXRlc3QtcGhpLWtleS0zMi1ieXRlcy1leGFjdCE=";
    public const string PatientReferenceKey = "ZTJlLXRlc3QtcGF0aWVudC1yZWZlcmVuY2Uta2V5LTMyLWJ5dGVzIQ==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private RabbitMqBroker? _broker;
    private string? _rabbitUri;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxp-e2e-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _caseHttp = ServiceProcess.FreeTcpPort();
    private readonly int _caseGrpc = ServiceProcess.FreeTcpPort();
    private readonly int _intakeHttp = ServiceProcess.FreeTcpPort();
    private readonly int _intakeGrpc = ServiceProcess.FreeTcpPort();
    private readonly int _gatewayHttp = ServiceProcess.FreeTcpPort();
    private readonly int _notificationHttp = ServiceProcess.FreeTcpPort();
    private readonly int _notificationGrpc = ServiceProcess.FreeTcpPort();
    private readonly int _surveyHttp = ServiceProcess.FreeTcpPort();
    private readonly int _surveyGrpc = ServiceProcess.FreeTcpPort();

    public ServiceProcess? Case { get; private set; }
    public ServiceProcess? Intake { get; private set; }
    public ServiceProcess? Gateway { get; private set; }
    public ServiceProcess? Notification { get; private set; }
    public ServiceProcess? Survey { get; private set; }

    /// <summary>The SMTP server the notification service sends to: real SMTP, hosted in this test process.</summary>
    public TestSmtpServer? Smtp { get; private set; }

    public string? SkipReason { get; private set; }

    public Uri GatewayUri => new($"http://127.0.0.1:{_gatewayHttp}");

    public IEnumerable<ServiceProcess> Processes => new[] { Case, Survey, Intake, Notification, Gateway }.OfType<ServiceProcess>();

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        _broker = await RabbitMqBroker.ResolveAsync(timeout.Token);
        if (!_broker.IsAvailable)
        {
            SkipReason = _broker.SkipReason;
            return;
        }

        _rabbitUri = await _broker.CreateVirtualHostAsync("e2e", timeout.Token);

        // The case service first: its queue must exist before intake publishes the first FeedbackSubmitted.
        Case = ServiceProcess.Start("PatientExperience.Case", CaseEnvironment(), "case");
        await Case.WaitUntilReadyAsync(new Uri($"http://127.0.0.1:{_caseHttp}/health/ready"), StartTimeout, timeout.Token);
        // The survey service before intake too: its queue must exist before the first PatientDischarged.
        Survey = ServiceProcess.Start("PatientExperience.Survey", SurveyEnvironment(), "survey");
        await Survey.WaitUntilReadyAsync(new Uri($"http://127.0.0.1:{_surveyHttp}/health/ready"), StartTimeout, timeout.Token);
        Intake = await StartIntakeAsync(relayPaused: false, timeout.Token);
        Smtp = TestSmtpServer.Start();
        Notification = ServiceProcess.Start("PatientExperience.Notification", NotificationEnvironment(), "notification");
        await Notification.WaitUntilReadyAsync(new Uri($"http://127.0.0.1:{_notificationHttp}/health/ready"), StartTimeout, timeout.Token);
        Gateway = ServiceProcess.Start("PatientExperience.Gateway", GatewayEnvironment(), "gateway");
        await Gateway.WaitUntilReadyAsync(new Uri(GatewayUri, "/health/ready"), StartTimeout, timeout.Token);
    }

    /// <summary>Starts the case service again (after a crash), on the same data.</summary>
    public async Task<ServiceProcess> RestartCaseAsync(CancellationToken cancellationToken)
    {
        var restarted = ServiceProcess.Start("PatientExperience.Case", CaseEnvironment(), "case (restarted)");
        await restarted.WaitUntilReadyAsync(new Uri($"http://127.0.0.1:{_caseHttp}/health/ready"), StartTimeout, cancellationToken);
        Case = restarted;
        return restarted;
    }

    /// <summary>
    /// Starts a second case service process on the same broker and the same store (its SQLite file), on ports of its own:
    /// two replicas competing for the case service's queues, relays and timers. The caller disposes it.
    /// </summary>
    public async Task<ServiceProcess> StartCaseReplicaAsync(CancellationToken cancellationToken)
    {
        int http = ServiceProcess.FreeTcpPort(), grpc = ServiceProcess.FreeTcpPort();
        var environment = CaseEnvironment();
        environment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{http}";
        environment["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{grpc}";
        var replica = ServiceProcess.Start("PatientExperience.Case", environment, "case (second replica)");
        await replica.WaitUntilReadyAsync(new Uri($"http://127.0.0.1:{http}/health/ready"), StartTimeout, cancellationToken);
        return replica;
    }

    /// <summary>Starts intake. With <paramref name="relayPaused"/> it stores submissions and their events but publishes nothing.</summary>
    public async Task<ServiceProcess> StartIntakeAsync(bool relayPaused, CancellationToken cancellationToken)
    {
        var intake = ServiceProcess.Start("PatientExperience.Intake", IntakeEnvironment(relayPaused), relayPaused ? "intake (relay paused)" : "intake");
        await intake.WaitUntilReadyAsync(new Uri($"http://127.0.0.1:{_intakeHttp}/health/ready"), StartTimeout, cancellationToken);
        Intake = intake;
        return intake;
    }

    /// <summary>
    /// What the case store holds about a case's escalation, read from its SQLite file: the saga (state, level, deadline, timer
    /// token, status sequence), the case's timers, and the outbox's backlog. Ids, levels and times only, for a failure message.
    /// </summary>
    public string CaseEscalationDiagnostics(Guid caseId)
    {
        try
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data, "case", "case.db")};Mode=ReadOnly");
            connection.Open();
            var lines = new List<string> { $"--- case store, case {caseId} ---" };
            void Query(string title, string sql)
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.Parameters.AddWithValue("$id", caseId.ToString("D"));
                using var reader = command.ExecuteReader();
                var rows = 0;
                while (reader.Read())
                {
                    rows++;
                    lines.Add($"{title}: " + string.Join(", ", Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={(reader.IsDBNull(i) ? "null" : reader.GetValue(i))}")));
                }

                if (rows == 0) lines.Add($"{title}: none");
            }

            Query("escalation saga", """
                SELECT version, updated_at, json_extract(data, '$.saga.currentState') AS state, json_extract(data, '$.saga.level') AS level,
                  json_extract(data, '$.saga.acknowledgeDueAt') AS acknowledgeDueAt, json_extract(data, '$.saga.acknowledgeTokenId') AS acknowledgeToken,
                  json_extract(data, '$.saga.breaches') AS breaches, json_extract(data, '$.saga.statusSequence') AS statusSequence
                FROM escalations WHERE lower(id) = $id
                """);
            Query("timer", """
                SELECT id AS token, version, json_extract(data, '$.messageTypes[0]') AS type, json_extract(data, '$.scheduledTime') AS scheduledTime,
                  json_extract(data, '$.dueAt') AS dueAt, json_extract(data, '$.attempts') AS attempts
                FROM scheduled_messages WHERE data LIKE '%' || $id || '%'
                """);
            Query("case document", """
                SELECT version, updated_at, json_extract(data, '$.escalationLevel') AS level, json_extract(data, '$.escalationSequence') AS sequence
                FROM cases WHERE lower(id) = $id
                """);
            Query("outbox", """SELECT count(*) AS pending, min(created_at) AS oldest, sum(lease_until IS NOT NULL) AS leased FROM "__outbox" """);
            Query("dead timers", "SELECT count(*) AS dead FROM scheduled_messages_dead");
            return string.Join(Environment.NewLine, lines);
        }
        catch (Exception e)
        {
            return $"--- case store unreadable: {e.GetType().Name}: {e.Message} ---";
        }
    }

    public RabbitMqBroker Require()
    {
        if (SkipReason is not null) Assert.Skip(SkipReason);
        return _broker!;
    }

    public async Task<HttpClient> StaffClientAsync(string role = "patient-relations", string facility = "*", string? person = null)
    {
        var client = new HttpClient { BaseAddress = GatewayUri };
        var token = await client.GetFromJsonAsync<DevToken>($"/dev/token?role={role}&facility={facility}" + (person is null ? "" : $"&sub={Uri.EscapeDataString(person)}"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    public HttpClient AnonymousClient() => new() { BaseAddress = GatewayUri };

    public string AllOutput() => string.Join(Environment.NewLine, Processes.Select(p => $"--- {p.Name} ---{Environment.NewLine}{p.Output}"));

    private Dictionary<string, string?> Common(string service) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["ConnectionStrings__rabbitmq"] = _rabbitUri,
        ["Auth__SigningKey"] = SigningKey,
        ["Storage__DataDirectory"] = Path.Combine(_data, service),
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
    };

    private Dictionary<string, string?> CaseEnvironment() => new(Common("case"))
    {
        ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{_caseHttp}",
        ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{_caseGrpc}",
        ["Kestrel__Endpoints__Grpc__Protocols"] = "Http2",
        ["Directory__SeedDemo"] = "true",
        ["Complainants__PublicBaseUrl"] = "http://localhost:8080",
        // Cases stay unassigned so the escalation tests act on the versions they read.
        ["Directory__SeedAssignmentPolicies"] = "false",
        ["Phi__EncryptionKey"] = PhiKey,
    };

    private Dictionary<string, string?> IntakeEnvironment(bool relayPaused) => new(Common("intake"))
    {
        ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{_intakeHttp}",
        ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{_intakeGrpc}",
        ["Kestrel__Endpoints__Grpc__Protocols"] = "Http2",
        ["Phi__EncryptionKey"] = PhiKey,
        ["Intake__CaseGrpcAddress"] = $"http://127.0.0.1:{_caseGrpc}",
        ["Intake__PatientReferenceKey"] = PatientReferenceKey,
        ["Messaging__Outbox__Paused"] = relayPaused ? "true" : "false",
    };

    private Dictionary<string, string?> NotificationEnvironment() => new(Common("notification"))
    {
        ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{_notificationHttp}",
        ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{_notificationGrpc}",
        ["Kestrel__Endpoints__Grpc__Protocols"] = "Http2",
        ["Phi__EncryptionKey"] = PhiKey,
        ["Notification__CaseGrpcAddress"] = $"http://127.0.0.1:{_caseGrpc}",
        ["Notification__IntakeGrpcAddress"] = $"http://127.0.0.1:{_intakeGrpc}",
        ["Notification__ConsoleBaseUrl"] = "http://console.e2e.test",
        // Email to the SMTP server this test process hosts; SMS and pages to the development mailbox (Development, no provider).
        ["ConnectionStrings__smtp"] = Smtp!.ConnectionString,
        // No patient quiet hours: survey invitations on a seconds-scale policy go out whatever the time of day the tests run.
        ["Notification__PatientQuietHours__Start"] = "",
        ["Notification__PatientQuietHours__End"] = "",
    };

    private Dictionary<string, string?> SurveyEnvironment() => new(Common("survey"))
    {
        ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{_surveyHttp}",
        ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{_surveyGrpc}",
        ["Kestrel__Endpoints__Grpc__Protocols"] = "Http2",
        ["Phi__EncryptionKey"] = PhiKey,
        // Invitation links point at the gateway, where patients answer.
        ["Survey__PublicBaseUrl"] = GatewayUri.ToString(),
    };

    private Dictionary<string, string?> GatewayEnvironment() => new(Common("gateway"))
    {
        ["Kestrel__Endpoints__Http__Url"] = GatewayUri.ToString(),
        ["ReverseProxy__Clusters__intake__Destinations__primary__Address"] = $"http://127.0.0.1:{_intakeHttp}",
        ["ReverseProxy__Clusters__case__Destinations__primary__Address"] = $"http://127.0.0.1:{_caseHttp}",
        ["ReverseProxy__Clusters__notification__Destinations__primary__Address"] = $"http://127.0.0.1:{_notificationHttp}",
        ["ReverseProxy__Clusters__survey__Destinations__primary__Address"] = $"http://127.0.0.1:{_surveyHttp}",
        ["Gateway__PublicPermitLimit"] = "1000",
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var p in Processes) await p.DisposeAsync();
        if (Smtp is not null) await Smtp.DisposeAsync();
        if (_broker is not null) await _broker.DisposeAsync();
        try
        {
            if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A crashed process may still hold a file for a moment; the temp folder is cleaned by the OS eventually.
        }
    }

    private sealed record DevToken(string AccessToken);
}
