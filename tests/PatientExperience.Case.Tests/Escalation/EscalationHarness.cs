using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Organisation;
using PatientExperience.Case.Escalation;
using PatientExperience.Case.Sla;
using PatientExperience.Contracts.Case;
using PatientExperience.Messaging;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Messaging.Scheduling;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests;

/// <summary>
/// The escalation saga alone, on the MassTransit test harness and a clock the test moves: its document repository and outbox
/// relay, the platform's durable scheduler, the case store (for reopening) and the status projection, all on an in-memory
/// store. The SLA policy (acknowledge 5 s at each level, interim notice 30 s, response 60 s) and the directory (one person per
/// level, and a compliance contact) are fixed, so a test reads as the process. One per test.
/// </summary>
public sealed class EscalationHarness : IAsyncDisposable
{
    public const string Facility = "riverside-general";
    public static readonly TimeSpan Acknowledge = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan InterimNotice = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Response = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly IHost _host;

    private EscalationHarness(IHost host, FakeTimeProvider clock)
    {
        _host = host;
        Clock = clock;
    }

    public FakeTimeProvider Clock { get; }

    public IServiceProvider Services => _host.Services;

    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();

    public SagaDocumentCollection<EscalationState> Sagas => Services.GetRequiredService<SagaDocumentCollection<EscalationState>>();

    public CaseStore Cases => Services.GetRequiredService<CaseStore>();

    public IDocumentStore Store => Services.GetRequiredKeyedService<IDocumentStore>(CaseModule.ServiceName);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="now">The clock's start.</param>
    /// <param name="seed">Writes into the store before anything starts (documents a previous version left behind).</param>
    public static async Task<EscalationHarness> StartAsync(DateTimeOffset? now = null, Func<IServiceProvider, Task>? seed = null)
    {
        var clock = new FakeTimeProvider(now ?? DateTimeOffset.UtcNow);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:InMemory"] = "true",
            ["Messaging:Outbox:PollIntervalMs"] = "50",
        });
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("PXP_TEST_LOGS") == "1") builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddOptions<MessagingOptions>().Bind(builder.Configuration.GetSection(MessagingOptions.Section));

        builder.AddDocumentStore(CaseModule.ServiceName, CaseStore.Definition);
        builder.Services.AddSingleton<CaseStore>();
        builder.Services.AddSingleton<ISlaPolicies, SecondsPolicy>();
        builder.Services.AddSingleton<IDeadlineCalculator, ElapsedTime>();
        builder.Services.AddSingleton<IEscalationDirectory, OnePersonPerLevel>();
        builder.Services.AddSingleton<EscalationPlanner>();
        builder.Services.AddEscalationActivities();
        builder.Services.AddMassTransitTestHarness(x =>
        {
            // As the platform bus does: retry before a message faults (events that arrive before their case's CaseOpened).
            x.AddConfigureEndpointsCallback((_, _, endpoint) => endpoint.UseMessageRetry(r => r.Intervals(50, 100, 200, 400, 800, 1600)));
            x.AddConsumer<EscalationStatusProjection>().Endpoint(e => e.Name = "case-escalation-status");
            // The harness would put the saga in its in-memory repository; it is stored as in production, with its outbox.
            x.AddSagaStateMachine<EscalationStateMachine, EscalationState>(typeof(EscalationStateDefinition))
                .DocumentRepository(CaseModule.ServiceName, EscalationStateDefinition.Collection);
            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseDurableMessageScheduler(context);
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        builder.AddOutboxRelay(CaseModule.ServiceName);
        builder.AddDurableScheduler(CaseModule.ServiceName);

        var host = builder.Build();
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        if (seed is not null) await seed(host.Services);
        await host.StartAsync(Ct);
        return new EscalationHarness(host, clock);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    public Task PublishAsync<T>(T message) where T : class => Harness.Bus.Publish(message, Ct);

    public IReadOnlyList<T> Published<T>() where T : class =>
        Harness.Published.Select<T>(new CancellationToken(canceled: true)).Select(m => m.Context.Message).ToList();

    public async Task<T> PublishedAsync<T>(Func<T, bool> match) where T : class
    {
        T? found = null;
        await Eventually.UntilAsync(() => (found = Published<T>().FirstOrDefault(match)) is not null, $"a {typeof(T).Name} to be published", Timeout);
        return found!;
    }

    /// <summary>Waits until the case's saga instance is stored in a state that satisfies the condition, and returns it.</summary>
    public async Task<EscalationState> SagaAsync(Guid caseId, Func<EscalationState, bool> condition, string because)
    {
        EscalationState? saga = null;
        await Eventually.UntilAsync(async () => (saga = await Sagas.LoadAsync(caseId, Ct)) is not null && condition(saga), because, Timeout);
        return saga!;
    }

    public Task UntilAsync(Func<Task<bool>> condition, string because) => Eventually.UntilAsync(condition, because, Timeout);

    public Task UntilAsync(Func<bool> condition, string because) => Eventually.UntilAsync(condition, because, Timeout);

    public async Task<long> PendingTimersAsync() => await Store.Collection<object>(ScheduledMessages.Definition).CountAsync(Ct);

    /// <summary>Waits until <paramref name="count"/> timers are in the schedule; on time-out says which are, for the failure message.</summary>
    public async Task UntilTimersAsync(int count)
    {
        try
        {
            await UntilAsync(async () => await PendingTimersAsync() == count, $"{count} timers in the schedule");
        }
        catch (TimeoutException e)
        {
            var timers = await Store.Collection<ScheduledMessageDocument>(ScheduledMessages.Definition).ReadAllAsync(new DocumentQuery(), Ct);
            throw new TimeoutException($"{e.Message} At {Clock.GetUtcNow():O} the schedule holds: "
                + string.Join("; ", timers.Select(t => $"{t.Document.MessageTypes.FirstOrDefault()} at {t.Document.ScheduledTime:O} (due {t.Document.DueAt:O}, attempts {t.Document.Attempts})")), e);
        }
    }

    /// <param name="submittedBy">The channel: staff by default (a critical case pages at once); anonymous puts a critical one in triage.</param>
    public static CaseOpened Opened(Guid? caseId = null, Severity severity = Severity.Medium, DateTimeOffset? at = null, SubmissionOrigin submittedBy = SubmissionOrigin.Staff) => new()
    {
        CaseId = caseId ?? Guid.NewGuid(), CaseNumber = "PX-TEST-0001", SubmissionId = Guid.NewGuid(), FacilityId = Facility, DepartmentId = "emergency",
        UnitId = "ed-adult", Channel = FeedbackChannel.Phone, Status = CaseStatus.New, OpenedAt = at ?? DateTimeOffset.UtcNow, Classification = CaseType.Complaint, Severity = severity,
        SubmittedBy = submittedBy,
    };

    public CaseAcknowledged AcknowledgedAt(Guid caseId, EscalationLevel level, DateTimeOffset at) => new()
    {
        CaseId = caseId, FacilityId = Facility, Level = level, AcknowledgedBy = $"{level.ToWire()}-holder", AcknowledgedAt = at,
    };

    public CaseResolved Resolved(Guid caseId) => new()
    {
        CaseId = caseId, FacilityId = Facility, SubmissionId = Guid.NewGuid(), ResolvedBy = "patient-relations", ResolvedAt = Clock.GetUtcNow(), Severity = Severity.Medium,
    };

    /// <summary>Version 1 of every facility's policy, in seconds and calendar days.</summary>
    private sealed class SecondsPolicy : ISlaPolicies
    {
        private static readonly SlaPolicy Policy = new(Facility, 1,
            new SlaDeadlines(SlaDuration.Calendar(Acknowledge), SlaDuration.Calendar(InterimNotice), SlaDuration.Calendar(Response)));

        public Task<SlaPolicy> CurrentAsync(string facilityId, CancellationToken ct) => Task.FromResult(Policy);

        public Task<SlaPolicy> VersionAsync(string facilityId, int version, CancellationToken ct) => Task.FromResult(Policy);
    }

    private sealed class ElapsedTime : IDeadlineCalculator
    {
        public Task<DateTimeOffset> DueAsync(string facilityId, DateTimeOffset from, SlaDuration duration, CancellationToken ct) => Task.FromResult(from + duration.Length);
    }

    private sealed class OnePersonPerLevel : IEscalationDirectory
    {
        private static readonly Dictionary<EscalationLevel, string> Roles = new()
        {
            [EscalationLevel.Unit] = "unit-manager", [EscalationLevel.Department] = "department-head", [EscalationLevel.Executive] = "executive",
        };

        public Task<IReadOnlyList<StaffRecipient>> ResolveRecipientsAsync(string facilityId, string? departmentId, string? unitId, EscalationLevel level, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<StaffRecipient>>([new StaffRecipient { PersonId = $"{level.ToWire()}-holder", Name = $"The {level.ToWire()} level", Role = Roles[level] }]);

        public Task<StaffRecipient?> ComplianceContactAsync(string facilityId, CancellationToken ct) =>
            Task.FromResult<StaffRecipient?>(new StaffRecipient { PersonId = "compliance-officer", Name = "Compliance", Role = "compliance" });

        public Task<IReadOnlyList<StaffRecipient>> TriageAsync(string facilityId, string? departmentId, string? unitId, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<StaffRecipient>>([
                new StaffRecipient { PersonId = "patient-relations-lead", Name = "Patient relations", Role = "patient-relations" },
                new StaffRecipient { PersonId = "compliance-officer", Name = "Compliance", Role = "compliance" },
            ]);
    }
}
