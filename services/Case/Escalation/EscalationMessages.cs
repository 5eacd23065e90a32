using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Escalation;

/// <summary>Scheduled: the time allowed at the case's current escalation level to acknowledge it has run out.</summary>
public sealed record AcknowledgeDeadlineReached(Guid CaseId, EscalationLevel Level, DateTimeOffset DueAt);

/// <summary>Scheduled: the interim notice to the complainant falls due.</summary>
public sealed record InterimNoticeDeadlineReached(Guid CaseId, DateTimeOffset DueAt);

/// <summary>Scheduled: the final written response falls due.</summary>
public sealed record ResponseDeadlineReached(Guid CaseId, DateTimeOffset DueAt);

/// <summary>
/// The escalation saga's view of a case changed: its level, its next deadline, its SLA state, and a line for the case's
/// timeline. Consumed by the case service itself to keep the case document (and so the worklist) in step.
/// <see cref="Sequence"/> orders the updates of one case.
/// </summary>
public sealed record EscalationStatusChanged
{
    public required Guid CaseId { get; init; }
    public required long Sequence { get; init; }
    public required EscalationLevel Level { get; init; }
    public DateTimeOffset? NextDeadline { get; init; }
    public DeadlineKind? NextDeadlineKind { get; init; }
    public required SlaState SlaState { get; init; }
    public string? HistoryAction { get; init; }
    public string? HistoryDetail { get; init; }
    public required DateTimeOffset At { get; init; }
}
