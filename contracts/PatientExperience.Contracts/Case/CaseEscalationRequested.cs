namespace PatientExperience.Contracts.Case;

/// <summary>Staff asked to escalate a case one level now (a command to the case's escalation saga).</summary>
public sealed record CaseEscalationRequested
{
    public required Guid CaseId { get; init; }
    public required string RequestedBy { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
