using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Reporting.Improvement;

/// <summary>One status change of an improvement action as reporting keeps it: its sequence, the status reached and when.</summary>
public sealed record ImprovementActionChange(int Sequence, ImprovementActionStatus To, DateTimeOffset At);

/// <summary>
/// One improvement action as reporting knows it from the case service's events: place, theme, due date, its latest status
/// and every status change (so the governance pack can tell where it stood at the end of a past month). No text and no
/// owner (the case service keeps the title encrypted; the pack names departments, not people). Merging is idempotent and
/// order-free: the place and due date come from whichever event arrives, the status from the change with the highest
/// sequence (the proposal is sequence 0), and a change already known is not added twice.
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
    /// <summary>The status changes received, by sequence.</summary>
    public IReadOnlyList<ImprovementActionChange> Changes { get; init; } = [];

    public bool IsOpen => Status is ImprovementActionStatus.Proposed or ImprovementActionStatus.InProgress;

    public bool IsOverdueAt(DateTimeOffset at) => IsOpen && at > DueAt;

    /// <summary>
    /// The status the action had at <paramref name="at"/>: that of the latest change made by then, proposed before its first
    /// change; null when it was proposed after <paramref name="at"/>.
    /// </summary>
    public ImprovementActionStatus? StatusAt(DateTimeOffset at)
    {
        if (ProposedAt is { } proposed && proposed > at) return null;
        if (Changes.Count == 0) return Sequence == 0 ? ImprovementActionStatus.Proposed : Status;
        return Changes.LastOrDefault(c => c.At <= at)?.To ?? ImprovementActionStatus.Proposed;
    }

    /// <summary>Open (proposed or in progress) at <paramref name="at"/> and past the end of its due date.</summary>
    public bool WasOverdueAt(DateTimeOffset at) =>
        StatusAt(at) is ImprovementActionStatus.Proposed or ImprovementActionStatus.InProgress && at > DueAt;

    /// <summary>When the action reached <paramref name="status"/>, if a change to it is known.</summary>
    public DateTimeOffset? ReachedAt(ImprovementActionStatus status) => Changes.FirstOrDefault(c => c.To == status)?.At;

    private static DateTimeOffset EndOf(DateOnly day) => new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static ImprovementActionFact Merge(ImprovementActionFact? fact, ImprovementActionProposed e) => fact is null
        ? new ImprovementActionFact
        {
            ActionId = e.ActionId.ToString("D"), FacilityId = e.FacilityId, DepartmentId = e.DepartmentId, Theme = e.Theme, DueDate = e.DueDate,
            DueAt = EndOf(e.DueDate), Status = ImprovementActionStatus.Proposed, Sequence = 0, ProposedAt = e.ProposedAt, LastChangedAt = e.ProposedAt,
        }
        : fact.ProposedAt == e.ProposedAt ? fact : fact with { ProposedAt = e.ProposedAt };

    public static ImprovementActionFact Merge(ImprovementActionFact? fact, ImprovementActionStatusChanged e)
    {
        if (fact is not null && fact.Changes.Any(c => c.Sequence == e.Sequence)) return fact;
        var changes = (fact?.Changes ?? []).Append(new ImprovementActionChange(e.Sequence, e.To, e.ChangedAt)).OrderBy(c => c.Sequence).ToList();
        if (fact is not null && fact.Sequence >= e.Sequence) return fact with { Changes = changes };
        return new ImprovementActionFact
        {
            ActionId = e.ActionId.ToString("D"), FacilityId = e.FacilityId, DepartmentId = e.DepartmentId, Theme = e.Theme, DueDate = e.DueDate,
            DueAt = EndOf(e.DueDate), Status = e.To, Sequence = e.Sequence, ProposedAt = fact?.ProposedAt, LastChangedAt = e.ChangedAt, Changes = changes,
        };
    }
}
