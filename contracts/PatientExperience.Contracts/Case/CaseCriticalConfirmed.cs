namespace PatientExperience.Contracts.Case;

/// <summary>
/// Staff confirmed a critical case from an anonymous channel after triage (a command to the case's escalation saga): it moves
/// to the executive level at once, as a critical case from an authenticated channel starts there, with reason
/// <c>critical-severity</c>. Ids and times only.
/// </summary>
public sealed record CaseCriticalConfirmed
{
    public required Guid CaseId { get; init; }
    public required string ConfirmedBy { get; init; }
    public required DateTimeOffset ConfirmedAt { get; init; }
}
