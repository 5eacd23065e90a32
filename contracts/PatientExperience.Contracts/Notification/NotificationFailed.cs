using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Notification;

/// <summary>
/// A notification could not be delivered on its channel: a permanent refusal (SMTP 5xx, provider 4xx, no address) or transient
/// failures for longer than the retry window. For high and critical severity a fallback channel is tried
/// (<see cref="FallbackChannel"/>). Ids and a reason code only: never the address or the text.
/// </summary>
public sealed record NotificationFailed
{
    public required Guid DeliveryId { get; init; }
    public required string SourceKey { get; init; }
    public required string Event { get; init; }
    public Guid? CaseId { get; init; }
    public required string FacilityId { get; init; }
    public required NotificationChannel Channel { get; init; }
    public required string RecipientKind { get; init; }
    public required string RecipientId { get; init; }
    /// <summary>A reason code such as <c>no-address</c>, <c>smtp-550</c>, <c>webhook-400</c>, <c>retries-exhausted</c>.</summary>
    public required string Reason { get; init; }
    public required int Attempts { get; init; }
    /// <summary>The channel tried instead, if any.</summary>
    public NotificationChannel? FallbackChannel { get; init; }
    public required DateTimeOffset FailedAt { get; init; }
}
