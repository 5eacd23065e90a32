namespace PatientExperience.Contracts.Case;

/// <summary>
/// Staff asked to escalate a case one level now (a command to the case's escalation saga). The reason they gave stays in the
/// case's history, encrypted; it never travels on the bus.
/// </summary>
public sealed record CaseEscalationRequested
{
    public required Guid CaseId { get; init; }
    public required string RequestedBy { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
