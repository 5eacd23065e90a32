namespace PatientExperience.Contracts.Case;

/// <summary>A department task on a case was done (its completion note stays encrypted in the case).</summary>
public sealed record CaseTaskCompleted
{
    public required Guid CaseId { get; init; }
    public required Guid TaskId { get; init; }
    public required string FacilityId { get; init; }
    public required string CompletedBy { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
}
