using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>
/// Asks the notification service to tell the complainant of a case something, with the link to their status page: the
/// acknowledgement (when they asked for a response), or that staff replied to them. Sent twice with the same
/// <see cref="MessageId"/>, it delivers once. The contact and language come from intake's <c>GetSubmission</c> by
/// <see cref="SubmissionId"/>, or, for a service-recovery case from a survey, from intake's <c>GetDischargeContact</c> by
/// <see cref="DischargeId"/>; no patient details and no message text travel here.
/// <para>
/// <see cref="StatusLink"/> holds the status page token, a bearer secret: it travels only in this command and is kept by the
/// notification service only inside the delivery's encrypted envelope, never logged or traced.
/// </para>
/// </summary>
public sealed record SendComplainantMessage
{
    /// <summary>Chosen by the case service; the idempotency key of the request.</summary>
    public required Guid MessageId { get; init; }
    public required ComplainantMessageKind Kind { get; init; }
    public required Guid CaseId { get; init; }
    public required string CaseNumber { get; init; }
    public required Guid SubmissionId { get; init; }
    public required string FacilityId { get; init; }
    /// <summary>Set for a case from a survey (its <see cref="SubmissionId"/> is a survey response id intake does not know): whose contact to read.</summary>
    public Guid? DischargeId { get; init; }
    public Severity Severity { get; init; } = Severity.Medium;
    /// <summary><c>{Complainants:PublicBaseUrl}/status/{token}</c>.</summary>
    public required string StatusLink { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
