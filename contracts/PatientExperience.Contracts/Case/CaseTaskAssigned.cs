namespace PatientExperience.Contracts.Case;

/// <summary>
/// A department (and optionally one person in it) was given a task on a case, due at <see cref="DueAt"/>. Ids and times only:
/// the task's description is staff text, kept encrypted in the case.
/// </summary>
public sealed record CaseTaskAssigned
{
    public required Guid CaseId { get; init; }
    public required Guid TaskId { get; init; }
    public required string FacilityId { get; init; }
    public required string DepartmentId { get; init; }
    /// <summary>The person who owns the task; null when the department as a whole does.</summary>
    public string? AssigneeId { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    public required string AssignedBy { get; init; }
    public required DateTimeOffset AssignedAt { get; init; }
}
