using MassTransit;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;

namespace PatientExperience.Messaging.Sagas;

/// <summary>
/// A saga whose events are stored with its state. The state machine raises events through <see cref="Raise{T}"/> (or the
/// <c>PublishThroughOutbox</c> activity); the document saga repository takes them with <see cref="TakePendingEvents"/> and
/// writes them into the store's outbox in the same atomic write as the new state, and the outbox relay publishes them once that
/// write has committed.
/// </summary>
/// <remarks>
/// Sagas on the document repository must raise their events this way, never with <c>ctx.Publish</c>/<c>.Publish(...)</c>:
/// a publish from the consume context is not part of the store's write, so a crash or a lost optimistic-concurrency race
/// between the save and the publish either loses the event or publishes one for a state that was never stored.
/// Keep the pending events out of the stored state: hold them in a private field (System.Text.Json serialises public
/// properties only), typically a <see cref="PendingSagaEvents"/>:
/// <code>
/// readonly PendingSagaEvents _events = new();
/// public void Raise&lt;T&gt;(T message) where T : class =&gt; _events.Add(message);
/// public IReadOnlyList&lt;OutboxMessage&gt; TakePendingEvents() =&gt; _events.Take();
/// </code>
/// </remarks>
public interface ISagaWithOutbox : ISagaVersion
{
    /// <summary>Queues an event to publish once the state this transition produces has been stored.</summary>
    void Raise<T>(T message) where T : class;

    /// <summary>Removes and returns the queued events; called by the repository just before it writes the state.</summary>
    IReadOnlyList<OutboxMessage> TakePendingEvents();
}

/// <summary>
/// The events a saga instance raised during the message being consumed, already in outbox form: the concrete type of each
/// event and the trace current when it was raised are captured at once, so the relay's publish continues the saga's trace.
/// Not thread-safe: a saga instance handles one message at a time.
/// </summary>
public sealed class PendingSagaEvents
{
    private readonly List<OutboxMessage> _events = [];

    public int Count => _events.Count;

    public void Add<T>(T message) where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        // By the runtime type: the relay deserialises the stored payload into this type, so an interface or base type would not do.
        _events.Add(OutboxMessages.Create((object)message, DateTimeOffset.UtcNow));
    }

    public IReadOnlyList<OutboxMessage> Take()
    {
        if (_events.Count == 0) return [];
        var taken = _events.ToArray();
        _events.Clear();
        return taken;
    }
}
