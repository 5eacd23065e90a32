using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientExperience.Messaging;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Messaging.Scheduling;
using PatientExperience.Storage;

namespace PatientExperience.Sagas.Tests;

/// <summary>
/// A saga attempt that loses an optimistic-concurrency race is discarded and the message retried: whatever the discarded
/// attempt did to the durable schedule must not outlive it. Each test makes the first attempt lose deterministically, by
/// writing the instance from inside the state machine (as a concurrent message on the same instance would) before the
/// attempt writes it.
/// </summary>
public sealed class SagaTimerAttemptTests : IAsyncLifetime
{
    private IHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ITestHarness Harness => _host.Services.GetRequiredService<ITestHarness>();

    private SagaDocumentCollection<ClaimState> Claims => _host.Services.GetRequiredService<SagaDocumentCollection<ClaimState>>();

    private IDocumentCollection<ScheduledMessageDocument> Schedule =>
        _host.Services.GetRequiredKeyedService<IDocumentStore>(ClaimStateDefinition.Service).Collection<ScheduledMessageDocument>(ScheduledMessages.Definition);

    private ClaimRace Race => _host.Services.GetRequiredService<ClaimRace>();

    public async ValueTask InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:InMemory"] = "true",
            ["Messaging:Outbox:PollIntervalMs"] = "50",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddOptions<MessagingOptions>().Bind(builder.Configuration.GetSection(MessagingOptions.Section));
        builder.Services.AddSingleton<ClaimRace>();
        builder.AddDocumentStore(ClaimStateDefinition.Service);
        builder.Services.AddMassTransitTestHarness(x =>
        {
            x.AddSagaStateMachine<ClaimStateMachine, ClaimState>(typeof(ClaimStateDefinition))
                .DocumentRepository(ClaimStateDefinition.Service, new CollectionDefinition("claims"));
            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseDurableMessageScheduler(context);
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        builder.AddOutboxRelay(ClaimStateDefinition.Service);
        builder.AddDurableScheduler(ClaimStateDefinition.Service);
        _host = builder.Build();
        LogContext.ConfigureCurrentLogContext(_host.Services.GetRequiredService<ILoggerFactory>());
        await _host.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    [Fact]
    public async Task A_timer_scheduled_by_an_attempt_that_lost_the_race_to_create_the_instance_is_removed()
    {
        var id = Guid.NewGuid();
        // Another message creates the instance (with no timer of its own) while this one's first attempt runs.
        Race.OnFirstAttempt = _ => Claims.InsertAsync(new ClaimState { CorrelationId = id, CurrentState = nameof(ClaimStateMachine.AwaitingAnswer) }, Ct);

        await PublishAndConsumeAsync(new ClaimOpened(id, DateTimeOffset.UtcNow.AddDays(1)));

        Assert.Equal(1, Race.FirstAttempts);
        var stored = await Claims.LoadAsync(id, Ct);
        Assert.Null(stored!.DeadlineTokenId);
        Assert.Equal(0, await Schedule.CountAsync(Ct));
    }

    [Fact]
    public async Task A_timer_cancelled_by_an_attempt_that_lost_the_race_stays_scheduled_for_the_instance_that_won()
    {
        var id = Guid.NewGuid();
        await PublishAndConsumeAsync(new ClaimOpened(id, DateTimeOffset.UtcNow.AddDays(1)));
        var token = (await Claims.LoadAsync(id, Ct))!.DeadlineTokenId!.Value;
        Assert.NotNull(await Schedule.GetAsync(token.ToString("D"), Ct));

        // The answer's first attempt cancels the deadline, but meanwhile the claim was escalated (same deadline, still
        // counted on); on retry the answer is ignored in that state, so the deadline must still be there.
        Race.OnFirstAttempt = async _ =>
        {
            var current = (await Claims.LoadAsync(id, Ct))!;
            current.CurrentState = nameof(ClaimStateMachine.Escalated);
            await Claims.UpdateAsync(current, Ct);
        };
        await PublishAndConsumeAsync(new ClaimAnswered(id));

        Assert.Equal(1, Race.FirstAttempts);
        var stored = (await Claims.LoadAsync(id, Ct))!;
        Assert.Equal((nameof(ClaimStateMachine.Escalated), token), (stored.CurrentState, stored.DeadlineTokenId));
        Assert.NotNull(await Schedule.GetAsync(token.ToString("D"), Ct));
    }

    [Fact]
    public async Task A_cancellation_in_an_attempt_that_is_stored_is_made()
    {
        var id = Guid.NewGuid();
        await PublishAndConsumeAsync(new ClaimOpened(id, DateTimeOffset.UtcNow.AddDays(1)));
        Assert.Equal(1, await Schedule.CountAsync(Ct));

        await PublishAndConsumeAsync(new ClaimAnswered(id));

        Assert.Equal(nameof(ClaimStateMachine.Answered), (await Claims.LoadAsync(id, Ct))!.CurrentState);
        Assert.Equal(0, await Schedule.CountAsync(Ct));
    }

    /// <summary>Publishes and waits until the saga endpoint has consumed the message without a fault.</summary>
    private async Task PublishAndConsumeAsync<T>(T message) where T : class
    {
        var messageId = NewId.NextGuid();
        await Harness.Bus.Publish(message, c => c.MessageId = messageId, Ct);
        await Eventually.UntilAsync(
            () => Harness.Consumed.Select<T>(new CancellationToken(canceled: true)).Any(m => m.Context.MessageId == messageId && m.Exception is null),
            $"the {typeof(T).Name} to be consumed", TimeSpan.FromSeconds(30));
    }
}

public sealed record ClaimOpened(Guid ClaimId, DateTimeOffset RespondBy);

public sealed record ClaimAnswered(Guid ClaimId);

public sealed record ClaimDeadlineElapsed(Guid ClaimId);

public sealed class ClaimState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public int Version { get; set; }
    public string CurrentState { get; set; } = "";
    public Guid? DeadlineTokenId { get; set; }
}

/// <summary>What the first attempt of the next message does before the state machine's own write (a concurrent writer).</summary>
public sealed class ClaimRace
{
    private int _firstAttempts;

    public Func<ClaimState, Task>? OnFirstAttempt { get; set; }

    public int FirstAttempts => Volatile.Read(ref _firstAttempts);

    public async Task RunAsync(ClaimState saga, int retryAttempt)
    {
        if (retryAttempt > 0 || OnFirstAttempt is not { } race) return;
        Interlocked.Increment(ref _firstAttempts);
        OnFirstAttempt = null;
        await race(saga);
    }
}

/// <summary>A claim must be answered by a deadline, unless it is escalated (a state in which an answer changes nothing here).</summary>
public sealed class ClaimStateMachine : MassTransitStateMachine<ClaimState>
{
    public ClaimStateMachine(ClaimRace race)
    {
        InstanceState(x => x.CurrentState);
        Event(() => Opened, e => e.CorrelateById(c => c.Message.ClaimId));
        Event(() => Answer, e => e.CorrelateById(c => c.Message.ClaimId));
        Schedule(() => Deadline, x => x.DeadlineTokenId, s => s.Received = r => r.CorrelateById(c => c.Message.ClaimId));

        Initially(
            When(Opened)
                .Schedule(Deadline, c => new ClaimDeadlineElapsed(c.Saga.CorrelationId), c => c.Message.RespondBy.UtcDateTime)
                .ThenAsync(c => race.RunAsync(c.Saga, c.GetRetryAttempt()))
                .TransitionTo(AwaitingAnswer));

        During(AwaitingAnswer,
            Ignore(Opened),
            When(Answer)
                .Unschedule(Deadline)
                .ThenAsync(c => race.RunAsync(c.Saga, c.GetRetryAttempt()))
                .TransitionTo(Answered));

        During(Escalated,
            Ignore(Opened),
            Ignore(Answer));
    }

    public State AwaitingAnswer { get; private set; } = null!;
    public State Answered { get; private set; } = null!;
    public State Escalated { get; private set; } = null!;

    public Event<ClaimOpened> Opened { get; private set; } = null!;
    public Event<ClaimAnswered> Answer { get; private set; } = null!;

    public Schedule<ClaimState, ClaimDeadlineElapsed> Deadline { get; private set; } = null!;
}

public sealed class ClaimStateDefinition : SagaDefinition<ClaimState>
{
    public const string Service = "claims";

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<ClaimState> sagaConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseSagaConcurrencyRetry(context);
}
