using MassTransit;

namespace PatientExperience.Messaging.Sagas;

/// <summary>
/// State machine activities that raise an event through the saga's outbox (<see cref="ISagaWithOutbox"/>): the event is stored
/// with the state in one write and published by the outbox relay once that write has committed. Use these instead of
/// <c>.Publish(...)</c>, which is not atomic with the save.
/// </summary>
public static class SagaOutboxActivityExtensions
{
    public static EventActivityBinder<TSaga, TMessage> PublishThroughOutbox<TSaga, TMessage, TEvent>(this EventActivityBinder<TSaga, TMessage> binder,
        Func<BehaviorContext<TSaga, TMessage>, TEvent> eventFactory)
        where TSaga : class, SagaStateMachineInstance, ISagaWithOutbox
        where TMessage : class
        where TEvent : class
    {
        ArgumentNullException.ThrowIfNull(eventFactory);
        return binder.Then(context => context.Saga.Raise(eventFactory(context)));
    }

    public static EventActivityBinder<TSaga, TMessage> PublishThroughOutbox<TSaga, TMessage, TEvent>(this EventActivityBinder<TSaga, TMessage> binder,
        Func<BehaviorContext<TSaga, TMessage>, Task<TEvent>> eventFactory)
        where TSaga : class, SagaStateMachineInstance, ISagaWithOutbox
        where TMessage : class
        where TEvent : class
    {
        ArgumentNullException.ThrowIfNull(eventFactory);
        return binder.ThenAsync(async context => context.Saga.Raise(await eventFactory(context)));
    }

    public static EventActivityBinder<TSaga> PublishThroughOutbox<TSaga, TEvent>(this EventActivityBinder<TSaga> binder,
        Func<BehaviorContext<TSaga>, TEvent> eventFactory)
        where TSaga : class, SagaStateMachineInstance, ISagaWithOutbox
        where TEvent : class
    {
        ArgumentNullException.ThrowIfNull(eventFactory);
        return binder.Then(context => context.Saga.Raise(eventFactory(context)));
    }
}
