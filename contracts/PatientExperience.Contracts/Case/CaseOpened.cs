using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>
/// A case was opened for a submission, or for a survey response (service recovery). Exactly one case exists per submission
/// and per survey response.
/// </summary>
public sealed record CaseOpened
{
    public required Guid CaseId { get; init; }
    public required string CaseNumber { get; init; }
    /// <summary>Intake's submission; for a case from a survey (<see cref="Source"/> survey) the survey response id, which intake does not know.</summary>
    public required Guid SubmissionId { get; init; }
    /// <summary>feedback (a concern through intake) or survey (service recovery for a survey response).</summary>
    public CaseSource Source { get; init; } = CaseSource.Feedback;
    /// <summary>The survey response the case is linked to, when <see cref="Source"/> is survey.</summary>
    public Guid? SurveyResponseId { get; init; }
    /// <summary>
    /// Intake's discharge id, when <see cref="Source"/> is survey: the reference to the patient's contact (intake's
    /// <c>GetDischargeContact</c>), since intake knows no submission for such a case. An id, not PHI.
    /// </summary>
    public Guid? DischargeId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required FeedbackChannel Channel { get; init; }
    public FeedbackKind? Kind { get; init; }
    public required CaseStatus Status { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }
    /// <summary>complaint or grievance (under the facility's regulatory profile).</summary>
    public CaseType? Classification { get; init; }
    /// <summary>low, medium, high or critical.</summary>
    public Severity Severity { get; init; } = Severity.Medium;
    public string? Category { get; init; }
    /// <summary>Version of the facility's SLA policy the case runs under.</summary>
    public int SlaPolicyVersion { get; init; }
    /// <summary>
    /// The case service acknowledges the complainant itself with a link to their status page (<see cref="SendComplainantMessage"/>),
    /// so the notification service sends no acknowledgement of its own for this event. False from producers that predate the status page.
    /// </summary>
    public bool StatusPageOffered { get; init; }

    /// <summary>
    /// The channel the concern came through (see <see cref="FeedbackSubmitted"/>): a critical case from an anonymous one starts in
    /// triage. Absent from producers that predate it: anonymous, the safe default.
    /// </summary>
    public SubmissionOrigin SubmittedBy { get; init; } = SubmissionOrigin.Anonymous;
}
