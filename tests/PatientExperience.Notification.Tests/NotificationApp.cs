using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PatientExperience.Contracts.Case;
using PatientExperience.Messaging;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Contacts;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Testing;
using PatientExperience.Testing.Smtp;

namespace PatientExperience.Notification.Tests;

/// <summary>
/// The notification service in memory with a clock the test moves: its real HTTP and gRPC pipeline, store (in-memory
/// SQLite), outbox relay, consumers, delivery worker and durable scheduler (on the fake clock), on the MassTransit test
/// harness; a real SMTP server and a real webhook receiver on loopback; the case service and intake replaced by in-memory
/// fakes. One per test: its clock, SMTP server and receiver are its own.
/// </summary>
public sealed class NotificationApp : WebApplicationFactory<Program>
{
    public const string SigningKey = "bm90aWZpY2F0aW9uLXRlc3RzLXNpZ25pbmcta2V5LTMyLWJ5dGVzIQ==";
    public const string PhiKey = "bm90aWZpY2F0aW9uLXRlc3RzLXBoaS1rZXktMzJieXQ=";
    public const string ConsoleBaseUrl = "https://console.test";

    /// <summary>Tuesday 10 March 2026, 12:00 in New York (EDT): outside anyone's quiet hours.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 16, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;
    private readonly ActivityListener _listener;
    private Action<IServiceCollection>? _testServices;

    private NotificationApp(TestSmtpServer smtp, WebhookReceiver webhooks, string environment, Dictionary<string, string?> settings)
    {
        Smtp = smtp;
        Webhooks = webhooks;
        _environment = environment;
        _settings = settings;
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => Activities.Add(a),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public FakeTimeProvider Clock { get; } = new(Start);
    public TestSmtpServer Smtp { get; }
    public WebhookReceiver Webhooks { get; }
    public FakeCaseDirectory Directory { get; } = new();
    public FakePatientContacts Patients { get; } = new();
    public FakeDischargeContacts Discharges { get; } = new();
    public RecordingLoggerProvider Logs { get; } = new();
    public ConcurrentBag<Activity> Activities { get; } = [];

    /// <summary>
    /// Starts an app with an SMTP server and a webhook receiver. <paramref name="settings"/> overrides configuration (a null
    /// value removes a key: e.g. <c>ConnectionStrings:smtp</c> for the development mailbox).
    /// </summary>
    /// <param name="testServices">More test registrations, after the service's own (the security sweeps' store-write recorder).</param>
    public static async Task<NotificationApp> StartAsync(string environment = "Testing", IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? testServices = null)
    {
        var smtp = TestSmtpServer.Start();
        var webhooks = await WebhookReceiver.StartAsync();
        var all = new Dictionary<string, string?>
        {
            ["Storage:InMemory"] = "true",
            ["Auth:SigningKey"] = SigningKey,
            ["Phi:EncryptionKey"] = PhiKey,
            ["Notification:CaseGrpcAddress"] = "http://127.0.0.1:9",
            ["Notification:IntakeGrpcAddress"] = "http://127.0.0.1:9",
            ["Notification:ConsoleBaseUrl"] = ConsoleBaseUrl,
            ["ConnectionStrings:smtp"] = smtp.ConnectionString,
            ["Notification:Sms:Url"] = webhooks.SmsUrl,
            ["Notification:Sms:Secret"] = WebhookReceiver.Secret,
            ["Notification:Pager:Url"] = webhooks.PagerUrl,
            ["Notification:Pager:Secret"] = WebhookReceiver.Secret,
            ["Notification:Email:TimeoutSeconds"] = "5",
            ["Messaging:Outbox:PollIntervalMs"] = "50",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        var app = new NotificationApp(smtp, webhooks, environment, all) { _testServices = testServices };
        _ = app.Services; // start the host (and the bus)
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
        builder.ConfigureLogging(l => l.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.RemoveAll<ICaseDirectory>();
            services.AddSingleton<ICaseDirectory>(Directory);
            services.RemoveAll<IPatientContacts>();
            services.AddSingleton<IPatientContacts>(Patients);
            services.RemoveAll<IDischargeContacts>();
            services.AddSingleton<IDischargeContacts>(Discharges);
            services.AddMassTransitTestHarness(x =>
            {
                // As the platform bus does: retry before a message faults (a lost lease race is retried and then sees the lease).
                x.AddConfigureEndpointsCallback((_, _, endpoint) => endpoint.UseMessageRetry(r => r.Intervals(20, 50, 100, 200, 400)));
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.UseDurableMessageScheduler(context);
                    cfg.ConfigureEndpoints(context);
                });
            });
            _testServices?.Invoke(services);
        });
    }

    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();

    public DeliveryStore Deliveries => Services.GetRequiredService<DeliveryStore>();

    public Task Publish<T>(T message) where T : class => Harness.Bus.Publish(message, TestContext.Current.CancellationToken);

    public IReadOnlyList<T> Published<T>() where T : class =>
        Harness.Published.Select<T>(new CancellationToken(canceled: true)).Select(m => m.Context.Message).ToList();

    public int ConsumedCount<T>() where T : class => Harness.Consumed.Select<T>(new CancellationToken(canceled: true)).Count();

    public async Task<IReadOnlyList<Delivery>> AllDeliveriesAsync() =>
        (await Deliveries.ListAsync([], 1, 1000, TestContext.Current.CancellationToken)).Items.Select(i => i.Document).ToList();

    /// <summary>Waits (real time, with a deadline) until the deliveries satisfy the condition, and returns them.</summary>
    public async Task<IReadOnlyList<Delivery>> DeliveriesWhenAsync(Func<IReadOnlyList<Delivery>, bool> condition, string because, TimeSpan? timeout = null)
    {
        try
        {
            return await Eventually.UntilAsync(async () =>
            {
                var all = await AllDeliveriesAsync();
                return condition(all) ? all : null;
            }, timeout ?? TimeSpan.FromSeconds(15), because, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + Diagnostics(), e);
        }
    }

    /// <summary>The deliveries and the warnings logged so far, for a failure message.</summary>
    public string Diagnostics()
    {
        IReadOnlyList<Delivery> deliveries;
        try
        {
            deliveries = AllDeliveriesAsync().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            return Environment.NewLine + "Deliveries unreadable: " + e;
        }

        var store = Services.GetRequiredKeyedService<PatientExperience.Storage.IDocumentStore>("notification");
        var count = store.Collection<Delivery>(DeliveryStore.Definition).CountAsync(default).GetAwaiter().GetResult();
        var page = Deliveries.ListAsync([], 1, 1000, default).GetAwaiter().GetResult();
        return Environment.NewLine + $"Deliveries ({count} stored, page total {page.Total}, items {page.Items.Count}):" + Environment.NewLine
            + string.Join(Environment.NewLine, deliveries.Select(d => $"  {d.Event} {d.RecipientId} {d.Channel} {d.Status} attempts={d.Attempts} reason={d.Reason} next={d.NextAttemptAt:o}"))
            + Environment.NewLine + "Warnings and errors:" + Environment.NewLine
            + string.Join(Environment.NewLine, Logs.Messages.Where(m => Environment.GetEnvironmentVariable("PXP_TEST_LOGS") == "1" || m.StartsWith("Warning", StringComparison.Ordinal) || m.StartsWith("Error", StringComparison.Ordinal) || m.StartsWith("Critical", StringComparison.Ordinal)).TakeLast(Environment.GetEnvironmentVariable("PXP_TEST_LOGS") == "1" ? 400 : 30));
    }

    /// <summary>Moves the clock by <paramref name="step"/> at a time until the condition holds (at most <paramref name="limit"/> in all).</summary>
    public async Task<IReadOnlyList<Delivery>> AdvanceUntilAsync(TimeSpan step, TimeSpan limit, Func<IReadOnlyList<Delivery>, bool> condition, string because)
    {
        var moved = TimeSpan.Zero;
        while (true)
        {
            var all = await AllDeliveriesAsync();
            if (condition(all)) return all;
            if (moved >= limit) throw new TimeoutException($"After moving the clock {moved}: still waiting until {because}.{Diagnostics()}");
            await StepAsync(step);
            moved += step;
        }
    }

    /// <summary>
    /// Moves the clock, then waits until every attempt that fell due has been made: no delivery in progress, none waiting for
    /// its first attempt, and none whose next attempt is at or before the new time.
    /// </summary>
    public async Task StepAsync(TimeSpan step)
    {
        Clock.Advance(step);
        var now = Clock.GetUtcNow();
        try
        {
            await Eventually.UntilAsync(async () => (await AllDeliveriesAsync()).All(d =>
                    d.Status is DeliveryStatus.Delivered or DeliveryStatus.Failed
                    || (d.Status is DeliveryStatus.Retrying or DeliveryStatus.Deferred && d.NextAttemptAt > now)),
                TimeSpan.FromSeconds(15), $"every attempt due by {now:o} to be made", TestContext.Current.CancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + Diagnostics(), e);
        }
    }

    public static string TokenFor(string personId, string role, params string[] facilities) =>
        SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = SigningKey }, personId, role, facilities, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    public HttpClient ClientFor(string personId, string role = "department-head", params string[] facilities)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(personId, role, facilities.Length == 0 ? [FakeCaseDirectory.Facility] : facilities));
        return client;
    }

    /// <summary>A case the directory knows, with a number.</summary>
    public CaseSummary KnownCase(string severity = "medium")
    {
        var id = Guid.NewGuid();
        var summary = new CaseSummary
        {
            CaseId = id, CaseNumber = "PX-260310-" + id.ToString("N")[..8].ToUpperInvariant(), SubmissionId = Guid.NewGuid(),
            FacilityId = FakeCaseDirectory.Facility, DepartmentId = "emergency", UnitId = "ed-adult", Severity = Wire.Parse<Severity>(severity),
        };
        Directory.Cases[id] = summary;
        return summary;
    }

    public override async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        // The bus's stop once never finished and held the whole test run (the host's store was disposed under consumers still
        // waiting for its write lock; see SqliteDocumentStore.Dispose): a stop that takes over two minutes fails the test with
        // what happened instead of hanging it.
        try
        {
            await base.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException("The notification host did not stop within two minutes (MassTransit bus stop).", e);
        }
        finally
        {
            await Smtp.DisposeAsync();
            await Webhooks.DisposeAsync();
        }
    }
}

public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(categoryName, Messages);

    public void Dispose() { }

    private sealed class RecordingLogger(string category, ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>People and events the tests use.</summary>
public static class Samples
{
    public static readonly StaffRecipient DepartmentHead = new()
    {
        PersonId = "rg-emergency-head", Name = "Naomi Reid", Role = "department-head", Email = "naomi.reid@example.org",
        Phone = "+1-555-0106", Pager = "+1-555-0166", TimeZone = "America/New_York",
    };

    public static readonly StaffRecipient UnitManager = new()
    {
        PersonId = "rg-ed-adult-manager", Name = "Owen Adeyemi", Role = "unit-manager", Email = "owen.adeyemi@example.org",
        Phone = "+1-555-0107", Pager = "+1-555-0167", TimeZone = "America/New_York",
    };

    public static readonly StaffRecipient Executive = new()
    {
        PersonId = "rg-aod", Name = "Alicia Alvarez", Role = "executive", Email = "alicia.alvarez@example.org",
        Phone = "+1-555-0100", Pager = "+1-555-0160", TimeZone = "America/New_York",
    };

    public static readonly StaffRecipient PatientRelationsLead = new()
    {
        PersonId = "rg-patient-relations", Name = "Priya Shah", Role = "patient-relations", Email = "priya.shah@example.org",
        Phone = "+1-555-0108", Pager = "+1-555-0168", TimeZone = "America/New_York",
    };

    public static readonly StaffRecipient Compliance = new()
    {
        PersonId = "rg-compliance", Name = "Marcus Bell", Role = "compliance", Email = "marcus.bell@example.org",
        Phone = "+1-555-0109", Pager = "+1-555-0169", TimeZone = "America/New_York",
    };

    // Patient details that must never reach staff SMS or pager text, logs or traces.
    public const string PatientName = "Philippa Vandersloot";
    public const string PatientEmail = "p.vandersloot@example.org";
    public const string PatientPhone = "+1-555-0199";

    public static CaseEscalated Escalated(CaseSummary c, string severity = "medium", string toLevel = "department", params StaffRecipient[] recipients) => new()
    {
        CaseId = c.CaseId, FacilityId = c.FacilityId, FromLevel = toLevel == "unit" ? null : EscalationLevel.Unit, ToLevel = Wire.Parse<EscalationLevel>(toLevel), Reason = EscalationReason.DeadlineMissed,
        Severity = Wire.Parse<Severity>(severity), EscalatedAt = NotificationApp.Start, Recipients = recipients.Length == 0 ? [DepartmentHead] : recipients,
    };
}
