using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>A case was opened for a submission. Exactly one case exists per submission.</summary>
public sealed record CaseOpened
{
    public required Guid CaseId { get; init; }
    public required string CaseNumber { get; init; }
    public required Guid SubmissionId { get; init; }
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
}
