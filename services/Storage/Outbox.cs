namespace PatientExperience.Storage;

/// <summary>
/// A message to publish once the write that caused it has committed. <see cref="Id"/> becomes the message id,
/// so a redelivered publish can be recognised downstream.
/// </summary>
public sealed record OutboxMessage(Guid Id, string MessageType, string Payload, IReadOnlyDictionary<string, string> Headers, DateTimeOffset CreatedAt);

/// <summary>A committed outbox message waiting to be published, and where it lives.</summary>
public sealed record PendingOutboxMessage(OutboxMessage Message, string Collection, string DocumentId);

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

    /// <summary>Raised after a write that added outbox messages commits, so a relay can publish at once instead of waiting to poll.</summary>
    event Action? MessagesAdded;
}
