using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>A case was given to an advocate and/or a department.</summary>
public sealed record CaseAssigned
{
    public required Guid CaseId { get; init; }
    public required string FacilityId { get; init; }
    public string? AssigneeId { get; init; }
    public string? DepartmentId { get; init; }
    public required string AssignedBy { get; init; }
    public required DateTimeOffset AssignedAt { get; init; }
    public required Severity Severity { get; init; }
    public IReadOnlyList<StaffRecipient> Recipients { get; init; } = [];
}
