namespace PatientExperience.Contracts.Case;

/// <summary>A department task on a case was withdrawn (the reason stays in the case's history).</summary>
public sealed record CaseTaskCancelled
{
    public required Guid CaseId { get; init; }
    public required Guid TaskId { get; init; }
    public required string FacilityId { get; init; }
    public required string CancelledBy { get; init; }
    public required DateTimeOffset CancelledAt { get; init; }
}
