using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Notification;

/// <summary>
/// Asks the notification service to tell members of staff something (a command; any service may send it). Sent twice with
/// the same <see cref="NotificationId"/>, it notifies once. <see cref="Title"/> and <see cref="Message"/> go to the email and
/// the in-app inbox only, never to SMS or pager (those carry ids, the case number, severity and facility): write them
/// without patient details all the same.
/// </summary>
public sealed record SendNotification
{
    /// <summary>Chosen by the sender; the idempotency key of the request.</summary>
    public required Guid NotificationId { get; init; }
    public required string FacilityId { get; init; }
    public Guid? CaseId { get; init; }
    public required string Title { get; init; }
    public required string Message { get; init; }
    /// <summary>low, medium, high or critical: chooses channels by each recipient's preferences.</summary>
    public Severity Severity { get; init; } = Severity.Medium;
    /// <summary>Who to tell. When empty, <see cref="Level"/> is resolved by the case service (for the case, or the facility).</summary>
    public IReadOnlyList<StaffRecipient> Recipients { get; init; } = [];
    /// <summary>unit, department or executive: used when <see cref="Recipients"/> is empty.</summary>
    public EscalationLevel? Level { get; init; }
    /// <summary>email, sms, pager, inbox. Null: each recipient's preferences for the severity (the inbox always).</summary>
    public IReadOnlyList<NotificationChannel>? Channels { get; init; }
    public required string RequestedBy { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
