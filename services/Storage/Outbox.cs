namespace PatientExperience.Storage;

/// <summary>
/// A message to publish once the write that caused it has committed. <see cref="Id"/> becomes the message id,
/// so a redelivered publish can be recognised downstream.
/// </summary>
public sealed record OutboxMessage(Guid Id, string MessageType, string Payload, IReadOnlyDictionary<string, string> Headers, DateTimeOffset CreatedAt);

/// <summary>A committed outbox message waiting to be published, and where it lives.</summary>
public sealed record PendingOutboxMessage(OutboxMessage Message, string Collection, string DocumentId);

/// <summary>A message the relay could never publish, kept with the reason instead of blocking the outbox (see docs/operations.md).</summary>
public sealed record DeadLetteredOutboxMessage(OutboxMessage Message, string Collection, string DocumentId, string Reason, DateTimeOffset DeadLetteredAt);

/// <summary>
/// How far behind the relay is: the committed messages not yet published (leased ones included) and when the oldest of them
/// was written (null when there is none). Read for the <c>pxp.outbox.*</c> metrics.
/// </summary>
public sealed record OutboxBacklog(long Pending, DateTimeOffset? OldestCreatedAt)
{
    public static readonly OutboxBacklog Empty = new(0, null);

    /// <summary>How long the oldest unpublished message has waited at <paramref name="now"/> (zero when there is none).</summary>
    public TimeSpan OldestAge(DateTimeOffset now) => OldestCreatedAt is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;
}

/// <summary>The publishing side of the outbox, used by the relay.</summary>
public interface IOutbox
{
    /// <summary>
    /// Claims up to <paramref name="max"/> unpublished messages, oldest first, for <paramref name="lease"/>:
    /// another relay (another replica) does not see them until the lease ends.
    /// </summary>
    Task<IReadOnlyList<PendingOutboxMessage>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Removes a published message. Idempotent.</summary>
    Task MarkPublishedAsync(PendingOutboxMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Removes published messages together: one write for a relay's whole pass instead of one per message (SQLite: one
    /// transaction, one statement). Idempotent; an empty list does nothing.
    /// </summary>
    Task MarkPublishedAsync(IReadOnlyList<PendingOutboxMessage> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Offers claimed messages again from <paramref name="retryAt"/> rather than at the end of their lease (a publish failed).
    /// Until then the later messages of the same documents are not claimed either, so each document's messages keep their order.
    /// </summary>
    Task ReleaseAsync(IReadOnlyList<PendingOutboxMessage> messages, DateTimeOffset retryAt, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a message that can never be published (its type is unknown, its payload does not read) out of the outbox into the
    /// store's dead letters, with <paramref name="reason"/> (which must hold no personal data), so the relay goes on. Idempotent.
    /// </summary>
    Task DeadLetterAsync(PendingOutboxMessage message, string reason, CancellationToken cancellationToken);

    /// <summary>The dead-lettered messages, most recent first.</summary>
    Task<IReadOnlyList<DeadLetteredOutboxMessage>> DeadLettersAsync(int max, CancellationToken cancellationToken);

    /// <summary>The unpublished messages (leased or not) and the oldest one's creation time. Cheap: read for metrics.</summary>
    Task<OutboxBacklog> BacklogAsync(CancellationToken cancellationToken);

    /// <summary>Raised after a write that added outbox messages commits, so a relay can publish at once instead of waiting to poll.</summary>
    event Action? MessagesAdded;
}
