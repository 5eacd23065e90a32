using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Reporting.Improvement;

/// <summary>
/// One improvement action as reporting knows it from the case service's events: place, theme, due date and its latest
/// status. No text (the case service keeps the title encrypted). Merging is idempotent and order-free: the place and due date
/// come from whichever event arrives, the status from the change with the highest sequence (the proposal is sequence 0).
/// </summary>
public sealed record ImprovementActionFact
{
    public required string ActionId { get; init; }
    public required string FacilityId { get; init; }
    public required string DepartmentId { get; init; }
    public required string Theme { get; init; }
    public required DateOnly DueDate { get; init; }
    /// <summary>The end of the due date (UTC): overdue from then while open.</summary>
    public required DateTimeOffset DueAt { get; init; }
    public required ImprovementActionStatus Status { get; init; }
    public required int Sequence { get; init; }
    public DateTimeOffset? ProposedAt { get; init; }
    public DateTimeOffset? LastChangedAt { get; init; }

    public bool IsOpen => Status is ImprovementActionStatus.Proposed or ImprovementActionStatus.InProgress;

    public bool IsOverdueAt(DateTimeOffset at) => IsOpen && at > DueAt;

    private static DateTimeOffset EndOf(DateOnly day) => new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static ImprovementActionFact Merge(ImprovementActionFact? fact, ImprovementActionProposed e) => fact is null
        ? new ImprovementActionFact
        {
            ActionId = e.ActionId.ToString("D"), FacilityId = e.FacilityId, DepartmentId = e.DepartmentId, Theme = e.Theme, DueDate = e.DueDate,
            DueAt = EndOf(e.DueDate), Status = ImprovementActionStatus.Proposed, Sequence = 0, ProposedAt = e.ProposedAt, LastChangedAt = e.ProposedAt,
        }
        : fact with { ProposedAt = e.ProposedAt };

    public static ImprovementActionFact Merge(ImprovementActionFact? fact, ImprovementActionStatusChanged e)
    {
        if (fact is not null && fact.Sequence >= e.Sequence) return fact;
        return new ImprovementActionFact
        {
            ActionId = e.ActionId.ToString("D"), FacilityId = e.FacilityId, DepartmentId = e.DepartmentId, Theme = e.Theme, DueDate = e.DueDate,
            DueAt = EndOf(e.DueDate), Status = e.To, Sequence = e.Sequence, ProposedAt = fact?.ProposedAt, LastChangedAt = e.ChangedAt,
        };
    }
}
