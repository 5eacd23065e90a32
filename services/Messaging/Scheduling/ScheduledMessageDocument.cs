using System.Text.Json;
using PatientExperience.Storage;

namespace PatientExperience.Messaging.Scheduling;

/// <summary>
/// A message waiting in the service's store to be sent at <see cref="ScheduledTime"/>, kept under its scheduling token
/// (the document id), so cancelling, rescheduling and recognising duplicates all go by that token.
/// </summary>
public sealed record ScheduledMessageDocument
{
    /// <summary>Where the message goes: a receive endpoint's queue, or a message type's exchange for a scheduled publish.</summary>
    public required string Destination { get; init; }

    /// <summary>When the message is due, as asked by whoever scheduled it (UTC).</summary>
    public required DateTimeOffset ScheduledTime { get; init; }

    /// <summary>
    /// When a dispatcher may next take the message (indexed): <see cref="ScheduledTime"/> until a dispatcher claims it, then the
    /// end of that dispatcher's lease, or of the back-off after a failed send. A dispatcher that dies while sending therefore
    /// leaves the message to be sent again once its lease ends.
    /// </summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>The message type URNs (<c>urn:message:Namespace:Type</c>) it is delivered as, first the concrete type.</summary>
    public required IReadOnlyList<string> MessageTypes { get; init; }

    /// <summary>The content type of <see cref="Body"/>: MassTransit's JSON envelope.</summary>
    public required string ContentType { get; init; }

    /// <summary>
    /// The message as MassTransit's serializer writes it, kept as JSON: an envelope holding the message, its ids (correlation,
    /// conversation, initiator) and the headers the send pipe set. The dispatcher hands it back to MassTransit's deserializer, so headers
    /// keep their types. May hold personal data: never logged.
    /// </summary>
    public required JsonElement Body { get; init; }

    /// <summary>
    /// The trace that scheduled the message (W3C <c>traceparent</c>): the dispatch starts a new trace whose first span links to it
    /// (a timer fires later, often much later, than the work that set it).
    /// </summary>
    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }

    /// <summary>How many times a dispatcher has claimed the message; more than one means a send failed or a dispatcher died.</summary>
    public int Attempts { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A scheduled message the dispatcher gave up on after <see cref="DurableSchedulerOptions.MaxAttempts"/>, with why.</summary>
public sealed record DeadScheduledMessageDocument(ScheduledMessageDocument Message, string Reason, DateTimeOffset DeadLetteredAt);

/// <summary>Where scheduled messages live in a service's store.</summary>
public static class ScheduledMessages
{
    /// <summary>
    /// The collection, indexed on <c>dueAt</c>. <see cref="MessagingExtensions.AddDurableScheduler"/> registers it with the
    /// service's store, which creates it with its own collections: callers do not pass it to <c>AddDocumentStore</c>.
    /// </summary>
    public static readonly CollectionDefinition Definition = new("scheduled_messages") { IndexedFields = ["dueAt"] };

    /// <summary>Messages given up on after the last attempt (<see cref="DeadScheduledMessageDocument"/>), under their token.</summary>
    public static readonly CollectionDefinition DeadLetters = new("scheduled_messages_dead");
}
