using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>
/// An improvement action moved to <see cref="To"/>. <see cref="Sequence"/> counts the action's changes (1 for the first after
/// proposal), so a consumer keeps the latest whatever order the events arrive in. Carries the action's place and due date,
/// so a consumer that missed <see cref="ImprovementActionProposed"/> still knows where it counts.
/// </summary>
public sealed record ImprovementActionStatusChanged
{
    public required Guid ActionId { get; init; }
    public required string FacilityId { get; init; }
    public required string DepartmentId { get; init; }
    public required string Theme { get; init; }
    public required DateOnly DueDate { get; init; }
    public required ImprovementActionStatus From { get; init; }
    public required ImprovementActionStatus To { get; init; }
    public required int Sequence { get; init; }
    public required string ChangedBy { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
}
