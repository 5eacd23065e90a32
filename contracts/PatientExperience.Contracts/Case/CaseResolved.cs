using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

public sealed record CaseResolved
{
    public required Guid CaseId { get; init; }
    public required string FacilityId { get; init; }
    public required Guid SubmissionId { get; init; }
    public required string ResolvedBy { get; init; }
    public required DateTimeOffset ResolvedAt { get; init; }
    public required Severity Severity { get; init; }
}
