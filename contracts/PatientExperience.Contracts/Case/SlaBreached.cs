namespace PatientExperience.Contracts.Case;

/// <summary>A deadline of the case's SLA policy passed without the action it asks for.</summary>
public sealed record SlaBreached
{
    public required Guid CaseId { get; init; }
    public required string FacilityId { get; init; }
    public required string Level { get; init; }
    /// <summary>acknowledge, interim-notice or response.</summary>
    public required string Deadline { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    public required DateTimeOffset BreachedAt { get; init; }
    public required string Severity { get; init; }
}
