using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Storage;

namespace PatientExperience.Sagas.Tests;

public sealed record StartCall(Guid CallId);

public sealed record CallStarted(Guid CallId);

/// <summary>A state machine that inserts its instance before it runs (InsertOnInitial): MassTransit's Insert-then-Load path.</summary>
public sealed class CallState : SagaStateMachineInstance, ISagaWithOutbox
{
    private readonly PendingSagaEvents _events = new();

    public Guid CorrelationId { get; set; }
    public int Version { get; set; }
    public string CurrentState { get; set; } = "";
    public int Starts { get; set; }

    public void Raise<T>(T message) where T : class => _events.Add(message);

    public IReadOnlyList<OutboxMessage> TakePendingEvents() => _events.Take();
}

public sealed class CallStateMachine : MassTransitStateMachine<CallState>
{
    public CallStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Start, e =>
        {
            e.CorrelateById(c => c.Message.CallId);
            e.InsertOnInitial = true;
            e.SetSagaFactory(c => new CallState { CorrelationId = c.Message.CallId });
        });

        Initially(When(Start).Then(c => c.Saga.Starts++).PublishThroughOutbox(c => new CallStarted(c.Saga.CorrelationId)).TransitionTo(Active));
        During(Active, When(Start).Then(c => c.Saga.Starts++));
    }

    public State Active { get; private set; } = null!;

    public Event<StartCall> Start { get; private set; } = null!;
}

public sealed class CallStateDefinition : SagaDefinition<CallState>
{
    public CallStateDefinition() => ConcurrentMessageLimit = 8;

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<CallState> sagaConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseSagaConcurrencyRetry(context);
}

public sealed class InsertOnInitialTests
{
    [Fact]
    public async Task With_insert_on_initial_a_duplicate_start_loads_the_instance_the_first_inserted()
    {
        await using var host = await TicketHost.StartWithHarnessAsync(typeof(TicketStateDefinition), bus: x =>
            x.AddSagaStateMachine<CallStateMachine, CallState>(typeof(CallStateDefinition)).DocumentRepository(Tickets.Service, new CollectionDefinition("calls")));
        var calls = host.Services.GetRequiredService<SagaDocumentCollection<CallState>>();
        var id = NewId.NextGuid();

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => host.PublishAsync(new StartCall(id))));

        var call = await Eventually.MatchAsync(() => calls.LoadAsync(id, TestContext.Current.CancellationToken), c => c?.Starts == 3, "all three starts are applied");
        // Inserted at 1 before the state machine ran, then one update per start.
        Assert.Equal(4, call!.Version);
        Assert.Equal(1, await calls.CountAsync(TestContext.Current.CancellationToken));
        await host.PublishedAsync<CallStarted>(e => e.CallId == id, 1, "CallStarted is published");
        Assert.Single(host.Harness.Published.Select<CallStarted>(TestContext.Current.CancellationToken));
    }
}
