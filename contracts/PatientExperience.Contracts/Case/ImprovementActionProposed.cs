using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>
/// A department took on a change to care processes (an improvement action), owned by one person and due on a date. Ids,
/// vocabulary and dates only: its title, measure and evidence are staff text, kept encrypted by the case service.
/// </summary>
public sealed record ImprovementActionProposed
{
    public required Guid ActionId { get; init; }
    public required string FacilityId { get; init; }
    public required string DepartmentId { get; init; }
    /// <summary>A complaint category (the platform's taxonomy), so actions line up with the categories and signals they answer.</summary>
    public required string Theme { get; init; }
    public required string OwnerId { get; init; }
    public required DateOnly DueDate { get; init; }
    public IReadOnlyList<Guid> LinkedCaseIds { get; init; } = [];
    public string? LinkedSignalId { get; init; }
    public required string ProposedBy { get; init; }
    public required DateTimeOffset ProposedAt { get; init; }
}
