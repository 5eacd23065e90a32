using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>A letter to the complainant was recorded: an interim notice or the final written response.</summary>
public sealed record ResponseLetterIssued
{
    public required Guid CaseId { get; init; }
    public required string FacilityId { get; init; }
    public required Guid SubmissionId { get; init; }
    public required Guid LetterId { get; init; }
    /// <summary>interim or final.</summary>
    public required LetterKind Kind { get; init; }
    public required string IssuedBy { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
}
