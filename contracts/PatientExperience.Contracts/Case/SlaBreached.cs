using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Case;

/// <summary>A deadline of the case's SLA policy passed without the action it asks for.</summary>
public sealed record SlaBreached
{
    public required Guid CaseId { get; init; }
    public required string FacilityId { get; init; }
    public required EscalationLevel Level { get; init; }
    /// <summary>acknowledge, interim-notice or response.</summary>
    public required DeadlineKind Deadline { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    public required DateTimeOffset BreachedAt { get; init; }
    public required Severity Severity { get; init; }
}
