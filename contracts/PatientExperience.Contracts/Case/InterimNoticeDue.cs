using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>The case is still unresolved when the interim notice to the complainant falls due (CMS: 7 days).</summary>
public sealed record InterimNoticeDue
{
    public required Guid CaseId { get; init; }
    public required string FacilityId { get; init; }
    public required Guid SubmissionId { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    public required Severity Severity { get; init; }
}
