using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>Someone responsible acknowledged the case: the acknowledgement clock of the current escalation level stops.</summary>
public sealed record CaseAcknowledged
{
    public required Guid CaseId { get; init; }
    public required string FacilityId { get; init; }
    public required EscalationLevel Level { get; init; }
    public required string AcknowledgedBy { get; init; }
    public required DateTimeOffset AcknowledgedAt { get; init; }
}
