namespace PatientExperience.Contracts.Case;

public sealed record CaseClosed
{
    public required Guid CaseId { get; init; }
    public required string FacilityId { get; init; }
    public required string ClosedBy { get; init; }
    public required DateTimeOffset ClosedAt { get; init; }
}
