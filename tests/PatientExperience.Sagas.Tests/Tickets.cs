using MassTransit;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Storage;

namespace PatientExperience.Sagas.Tests;

// A small support-ticket process standing in for the escalation saga: opened, acknowledged, commented on, resolved (finalized).

public sealed record OpenTicket(Guid TicketId, string Reference, string Title, TicketPriority Priority = TicketPriority.Normal);

/// <summary>Correlated by reference, not by id: exercises the repository's query path.</summary>
public sealed record AcknowledgeTicket(string Reference, string By);

public sealed record CommentOnTicket(Guid TicketId, Guid CommentId);

public sealed record ResolveTicket(Guid TicketId);

public sealed record TicketOpened(Guid TicketId, string Reference, string Title);

public sealed record TicketAcknowledged(Guid TicketId, string By);

public sealed record TicketResolved(Guid TicketId, int Comments);

public enum TicketPriority { Normal, High }

public sealed class TicketState : SagaStateMachineInstance, ISagaWithOutbox
{
    private readonly PendingSagaEvents _events = new();

    public Guid CorrelationId { get; set; }
    public int Version { get; set; }
    public string CurrentState { get; set; } = "";
    public string Reference { get; set; } = "";
    public string Title { get; set; } = "";
    public TicketPriority Priority { get; set; }
    public string? AcknowledgedBy { get; set; }
    public int Comments { get; set; }

    /// <summary>Comments applied on a retry, that is after losing an optimistic-concurrency race.</summary>
    public int CommentsRetried { get; set; }

    public void Raise<T>(T message) where T : class => _events.Add(message);

    public IReadOnlyList<OutboxMessage> TakePendingEvents() => _events.Take();
}

public sealed class TicketStateMachine : MassTransitStateMachine<TicketState>
{
    public TicketStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Open, e => e.CorrelateById(c => c.Message.TicketId));
        Event(() => Acknowledge, e => e.CorrelateBy((saga, c) => saga.Reference == c.Message.Reference));
        Event(() => Comment, e => e.CorrelateById(c => c.Message.TicketId));
        Event(() => Resolve, e => e.CorrelateById(c => c.Message.TicketId));

        Initially(
            When(Open)
                .Then(c =>
                {
                    c.Saga.Reference = c.Message.Reference;
                    c.Saga.Title = c.Message.Title;
                    c.Saga.Priority = c.Message.Priority;
                })
                .PublishThroughOutbox(c => new TicketOpened(c.Saga.CorrelationId, c.Saga.Reference, c.Saga.Title))
                .TransitionTo(Opened));

        During(Opened, Acknowledged, Ignore(Open));

        During(Opened,
            When(Acknowledge)
                .Then(c => c.Saga.AcknowledgedBy = c.Message.By)
                .PublishThroughOutbox(c => new TicketAcknowledged(c.Saga.CorrelationId, c.Message.By))
                .TransitionTo(Acknowledged));

        During(Opened, Acknowledged,
            When(Comment)
                .ThenAsync(c => c.GetServiceOrCreateInstance<CommentGate>().PassAsync(c.GetRetryAttempt()))
                .Then(c =>
                {
                    c.Saga.Comments++;
                    if (c.GetRetryAttempt() > 0) c.Saga.CommentsRetried++;
                }));

        During(Acknowledged,
            When(Resolve)
                .PublishThroughOutbox(c => new TicketResolved(c.Saga.CorrelationId, c.Saga.Comments))
                .Finalize());

        SetCompletedWhenFinalized();
    }

    public State Opened { get; private set; } = null!;
    public State Acknowledged { get; private set; } = null!;

    public Event<OpenTicket> Open { get; private set; } = null!;
    public Event<AcknowledgeTicket> Acknowledge { get; private set; } = null!;
    public Event<CommentOnTicket> Comment { get; private set; } = null!;
    public Event<ResolveTicket> Resolve { get; private set; } = null!;
}

/// <summary>As a service defines it: optimistic-concurrency retry and the in-memory outbox on the saga's endpoint.</summary>
public sealed class TicketStateDefinition : SagaDefinition<TicketState>
{
    public TicketStateDefinition()
    {
        ConcurrentMessageLimit = 32;
        Endpoint(e => e.PrefetchCount = 32);
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<TicketState> sagaConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseSagaConcurrencyRetry(context);
}

/// <summary>The same endpoint without the retry: a lost race faults the message.</summary>
public sealed class TicketStateDefinitionWithoutRetry : SagaDefinition<TicketState>
{
    public TicketStateDefinitionWithoutRetry()
    {
        ConcurrentMessageLimit = 32;
        Endpoint(e => e.PrefetchCount = 32);
    }
}

/// <summary>
/// Holds the first attempt of each comment until <see cref="Parties"/> have loaded the ticket, so they all hold the same version
/// and race to write it: a conflict on every write but one, whatever the scheduling. Retries pass at once. Without a registered
/// gate (the default instance, zero parties) comments pass at once.
/// </summary>
public sealed class CommentGate
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public CommentGate() : this(0)
    {
    }

    public CommentGate(int parties) => Parties = parties;

    public int Parties { get; }

    public async Task PassAsync(int retryAttempt)
    {
        if (Parties == 0 || retryAttempt > 0) return;
        if (Interlocked.Increment(ref _arrived) >= Parties) _all.TrySetResult();
        await Task.WhenAny(_all.Task, Task.Delay(TimeSpan.FromSeconds(10)));
    }
}

public static class Tickets
{
    public const string Service = "tickets";

    /// <summary>Fields relative to the saga; the repository registers the collection with the store.</summary>
    public static readonly CollectionDefinition Collection = new("tickets")
    {
        UniqueFields = ["reference"],
        IndexedFields = ["priority"],
    };
}
