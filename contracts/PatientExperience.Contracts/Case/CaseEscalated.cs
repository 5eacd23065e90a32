using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>
/// A case moved up the escalation chain: <c>unit</c> (bedside: unit or charge nurse manager) -> <c>department</c>
/// (department head) -> <c>executive</c> (administrator on duty, CNO, COO).
/// </summary>
public sealed record CaseEscalated
{
    public required Guid CaseId { get; init; }
    public required string FacilityId { get; init; }
    public EscalationLevel? FromLevel { get; init; }
    public required EscalationLevel ToLevel { get; init; }
    /// <summary>opened, deadline-missed, critical-severity, manual, reopened.</summary>
    public required EscalationReason Reason { get; init; }
    public required Severity Severity { get; init; }
    public required DateTimeOffset EscalatedAt { get; init; }
    public IReadOnlyList<StaffRecipient> Recipients { get; init; } = [];
}
