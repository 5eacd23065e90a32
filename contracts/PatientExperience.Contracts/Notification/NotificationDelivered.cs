using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Notification;

/// <summary>
/// A notification reached its channel: accepted by the SMTP server or the SMS/pager provider, written to the inbox, or (in
/// development) to the development mailbox. Ids only: never the address or the text.
/// </summary>
public sealed record NotificationDelivered
{
    public required Guid DeliveryId { get; init; }
    /// <summary>What caused it: an event's business key (e.g. <c>case-escalated:{caseId}:department:...</c>) or a SendNotification id.</summary>
    public required string SourceKey { get; init; }
    /// <summary>case-opened, case-assigned, case-escalated, sla-breached, interim-notice-due, response-letter-issued, case-resolved, send-notification.</summary>
    public required string Event { get; init; }
    public Guid? CaseId { get; init; }
    public required string FacilityId { get; init; }
    /// <summary>email, sms, pager or inbox.</summary>
    public required NotificationChannel Channel { get; init; }
    /// <summary>staff or patient.</summary>
    public required string RecipientKind { get; init; }
    /// <summary>The person id for staff; <c>patient:{submissionId}</c> for a patient.</summary>
    public required string RecipientId { get; init; }
    public required int Attempts { get; init; }
    /// <summary>smtp, webhook, inbox or dev-mailbox.</summary>
    public required string Transport { get; init; }
    public required DateTimeOffset DeliveredAt { get; init; }
}
