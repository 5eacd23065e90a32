using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using PatientExperience.Case;
using PatientExperience.Gateway;
using PatientExperience.Intake;
using PatientExperience.Messaging;
using PatientExperience.Notification;
using PatientExperience.ServiceDefaults;
using PatientExperience.Testing;

namespace PatientExperience.Integration.Tests;

/// <summary>
/// One trace per concern, as operations read it: the gateway, intake, case and notification as separate hosts in this process
/// (each with its own Kestrel ports, store, bus and telemetry set-up, as in the AppHost run), talking over HTTP and a real
/// RabbitMQ (the private local node the test infrastructure starts). Spans are collected with OpenTelemetry's in-memory
/// exporter; in one process it sees every host's spans, and what joins them is only what crosses the wire (the
/// <c>traceparent</c> of HTTP requests and of messages), as between processes.
/// </summary>
public sealed class ConcernTraceTests(BrokerFixture broker) : IAsyncLifetime
{
    private const string SigningKey = "aW50ZWdyYXRpb24tdHJhY2Utc2lnbmluZy1rZXktMzItYnl0ZXMtISE=";
    private const string PhiKey = "aW50ZWdyYXRpb24tdHJhY2UtcGhpLWtleS0zMmJ5dGU=";
    private const string PatientReferenceKey = "aW50ZWdyYXRpb24tdHJhY2UtcGF0aWVudC1yZWZlcmVuY2U=";
    private const string Facility = "riverside-general";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly List<Activity> _spans = [];
    private readonly List<WebApplication> _hosts = [];
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxp-trace-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<string, int> _ports = new[] { "gateway", "intake", "intake-grpc", "case", "case-grpc", "notification", "notification-grpc" }
        .ToDictionary(n => n, _ => ServiceProcess.FreeTcpPort());

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync(CancellationToken.None);
            await host.DisposeAsync();
        }

        try
        {
            if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held for a moment: the temporary folder is cleaned by the OS eventually.
        }
    }

    private string Url(string name) => $"http://127.0.0.1:{_ports[name]}";

    private async Task StartAsync(string service, string project, Dictionary<string, string?> settings, Action<WebApplicationBuilder> add, Action<WebApplication> map, bool exportSpans = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = project,
            EnvironmentName = "Development",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = SigningKey,
            ["Phi:EncryptionKey"] = PhiKey,
            ["Storage:DataDirectory"] = Path.Combine(_data, service),
            ["OTEL_SERVICE_NAME"] = service,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        // Every host's telemetry set-up is the platform's own; this one also hands finished spans to the test. Activity
        // listeners are process-wide, so it sees the other hosts' spans too.
        if (exportSpans) builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans));
        add(builder);
        var app = builder.Build();
        map(app);
        _hosts.Add(app);
        MassTransit.LogContext.ConfigureCurrentLogContext(app.Services.GetRequiredService<ILoggerFactory>());
        await app.StartAsync(Ct);
    }

    private async Task StartPlatformAsync(string rabbit)
    {
        // Consumers before publishers: each queue must be bound before the first event it takes is published.
        await StartAsync("case", "PatientExperience.Case", new()
        {
            ["ConnectionStrings:rabbitmq"] = rabbit,
            ["Kestrel:Endpoints:Http:Url"] = Url("case"),
            ["Kestrel:Endpoints:Grpc:Url"] = Url("case-grpc"),
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Directory:SeedDemo"] = "true",
            ["Directory:SeedAssignmentPolicies"] = "false",
            ["Complainants:PublicBaseUrl"] = Url("gateway"),
        }, b => { b.AddServiceDefaults(); b.AddCaseModule(); b.AddPlatformMessaging(); },
            app => { app.UsePlatformDefaults(); app.MapDefaultEndpoints(); app.MapCaseApi(); app.MapCaseGrpc(); }, exportSpans: true);
        await StartAsync("notification", "PatientExperience.Notification", new()
        {
            ["ConnectionStrings:rabbitmq"] = rabbit,
            ["Kestrel:Endpoints:Http:Url"] = Url("notification"),
            ["Kestrel:Endpoints:Grpc:Url"] = Url("notification-grpc"),
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Notification:CaseGrpcAddress"] = Url("case-grpc"),
            ["Notification:IntakeGrpcAddress"] = Url("intake-grpc"),
            ["Notification:ConsoleBaseUrl"] = "http://console.trace.test",
        }, b => { b.AddServiceDefaults(); b.AddNotificationModule(); b.AddPlatformMessaging(); },
            app => { app.UsePlatformDefaults(); app.MapDefaultEndpoints(); app.MapNotificationApi(); app.MapNotificationGrpc(); });
        await StartAsync("intake", "PatientExperience.Intake", new()
        {
            ["ConnectionStrings:rabbitmq"] = rabbit,
            ["Kestrel:Endpoints:Http:Url"] = Url("intake"),
            ["Kestrel:Endpoints:Grpc:Url"] = Url("intake-grpc"),
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Intake:CaseGrpcAddress"] = Url("case-grpc"),
            ["Intake:PatientReferenceKey"] = PatientReferenceKey,
        }, b => { b.AddServiceDefaults(); b.AddIntakeModule(); b.AddPlatformMessaging(); },
            app => { app.UsePlatformDefaults(); app.MapDefaultEndpoints(); app.MapIntakeApi(); app.MapIntakeGrpc(); });
        await StartAsync("gateway", "PatientExperience.Gateway", new()
        {
            ["Kestrel:Endpoints:Http:Url"] = Url("gateway"),
            ["ReverseProxy:Clusters:intake:Destinations:primary:Address"] = Url("intake"),
            ["ReverseProxy:Clusters:case:Destinations:primary:Address"] = Url("case"),
            ["ReverseProxy:Clusters:notification:Destinations:primary:Address"] = Url("notification"),
            ["Gateway:PublicPermitLimit"] = "1000",
        }, b => { b.AddServiceDefaults(); b.AddGatewayModule(); },
            app => { app.UseGatewayPipeline(); app.MapDefaultEndpoints(); app.MapGateway(); });
    }

    private async Task<HttpClient> ClientAsync(string role)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url("gateway")) };
        var token = await client.GetFromJsonAsync<DevToken>($"/dev/token?role={role}&facility={Facility}", Ct);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    private Activity[] Spans()
    {
        lock (_spans) return [.. _spans];
    }

    private static string? Tag(Activity span, string key) => span.GetTagItem(key)?.ToString();

    private int? PortOf(Activity span) => Tag(span, "server.port") is { } p && int.TryParse(p, out var port) ? port : null;

    [Fact]
    public async Task A_concern_is_one_trace_from_the_gateway_through_intake_the_relay_rabbitmq_and_case_to_the_notification_and_its_first_timer_links_back_to_it()
    {
        var rabbit = await broker.FreshVirtualHostAsync();
        await StartPlatformAsync(rabbit);
        // The facility's first deadline in seconds, so the saga's first timer fires within the test.
        using (var admin = await ClientAsync("admin"))
        {
            var policy = await admin.PutAsJsonAsync($"/api/v1/facilities/{Facility}/sla-policy",
                new { acknowledge = "PT3S", interimNotice = "PT1H", response = "PT2H", days = "calendar" }, Ct);
            Assert.True(policy.IsSuccessStatusCode, $"PUT sla-policy: {(int)policy.StatusCode} {await policy.Content.ReadAsStringAsync(Ct)}");
        }

        using var anonymous = new HttpClient { BaseAddress = new Uri(Url("gateway")) };
        var submitted = await anonymous.PostAsJsonAsync("/api/v1/feedback", new
        {
            facilityId = Facility, departmentId = "emergency", unitId = "ed-adult", channel = "web", kind = "complaint",
            description = "Waited nine hours without an update.", responseRequested = false,
        }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);

        // The gateway's server span of the POST starts the concern's trace (under the test's own HttpClient span, its one root).
        var gateway = Spans().Single(s => s.Kind == ActivityKind.Server && PortOf(s) == _ports["gateway"] && Tag(s, "http.request.method") == "POST");
        var trace = gateway.TraceId;
        Activity[] InTrace() => [.. Spans().Where(s => s.TraceId == trace)];

        // The escalation starts at the unit level as the case opens (CaseEscalated, reason opened), and notification delivers it.
        await Eventually.UntilAsync(() => InTrace().Any(s => s.OperationName.StartsWith("notification send", StringComparison.Ordinal)
            || (s.OperationName == "outbox relay NotificationDelivered")), "a notification delivery in the concern's trace", Deadline);
        // Spans are exported as they end, and a parent ends after its children: take the trace once every span in it has its
        // parent there too (a span whose parent never comes fails the assertion on the tree below, naming it).
        var spans = InTrace();
        await Eventually.UntilAsync(() =>
        {
            spans = InTrace();
            var known = spans.Select(s => s.SpanId).ToHashSet();
            return spans.All(s => s.ParentSpanId == default || known.Contains(s.ParentSpanId));
        }, "every span of the concern's trace so far to have its parent in it", Deadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && PortOf(s) == _ports["intake"]);
        Assert.Contains(spans, s => s.OperationName == "outbox relay FeedbackSubmitted" && Tag(s, "pxp.service") == "intake");
        Assert.Contains(spans, s => s.Kind == ActivityKind.Consumer && Tag(s, "messaging.destination.name") == "case-feedback-submitted");
        Assert.Contains(spans, s => s.OperationName == "outbox relay CaseOpened" && Tag(s, "pxp.service") == "case");
        Assert.Contains(spans, s => s.OperationName == "outbox relay CaseEscalated" && Tag(s, "pxp.service") == "case");
        Assert.Contains(spans, s => s.Kind == ActivityKind.Consumer && Tag(s, "messaging.destination.name") == "notification-case-events");
        // One trace, one tree: a single root (the caller's request), every other span's parent in it.
        var root = Assert.Single(spans, s => s.ParentSpanId == default);
        Assert.Equal(ActivityKind.Client, root.Kind);
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        Assert.All(spans.Where(s => s != root), s => Assert.Contains(s.ParentSpanId, ids));

        // The saga's first timer (acknowledge, 3 s) fires in a trace of its own that links to the concern's.
        var timer = await Eventually.UntilAsync(() => Task.FromResult(Spans().FirstOrDefault(s => s.OperationName == "scheduler send AcknowledgeDeadlineReached"
            && s.Links.Any(l => l.Context.TraceId == trace))), Deadline, "the acknowledgement deadline's timer, linked to the concern's trace", Ct);
        Assert.NotEqual(trace, timer.TraceId);
        Assert.Equal(default, timer.ParentSpanId);
        // What the timer causes (the escalation to the department level, and its notification) is in the timer's trace.
        await Eventually.UntilAsync(() => Spans().Any(s => s.TraceId == timer.TraceId && s.Kind == ActivityKind.Consumer
            && Tag(s, "messaging.destination.name") == "notification-case-events"), "the department's notification in the timer's trace", Deadline);
    }

    private sealed record DevToken(string AccessToken);
}
