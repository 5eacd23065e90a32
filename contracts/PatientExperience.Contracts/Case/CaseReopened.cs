using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>A resolved or closed case was opened again: escalation starts again at the unit level.</summary>
public sealed record CaseReopened
{
    public required Guid CaseId { get; init; }
    public required string FacilityId { get; init; }
    public required string ReopenedBy { get; init; }
    public required DateTimeOffset ReopenedAt { get; init; }
    public required Severity Severity { get; init; }
}
