using System.Text.Json.Serialization;
using MassTransit;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Storage;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Escalation;

/// <summary>
/// The escalation of one case (its id is the case id): the level it has reached, the deadlines of the SLA policy version it
/// opened under, and the tokens of the timers that enforce them. Stored through the storage port with optimistic
/// concurrency; the events a transition raises are stored with it (outbox) and published after the write.
/// </summary>
public sealed class EscalationState : SagaStateMachineInstance, ISagaWithOutbox
{
    private readonly PendingSagaEvents _events = new();

    public Guid CorrelationId { get; set; }
    public int Version { get; set; }
    public string? CurrentState { get; set; }

    public string FacilityId { get; set; } = "";
    public string? DepartmentId { get; set; }
    public string? UnitId { get; set; }
    public Guid SubmissionId { get; set; }
    public Severity Severity { get; set; } = Severity.Medium;
    public int PolicyVersion { get; set; }
    public DateTimeOffset OpenedAt { get; set; }

    public EscalationLevel Level { get; set; } = EscalationLevel.Unit;
    /// <summary>Whether the current level has acknowledged the case (its acknowledgement clock stopped).</summary>
    public bool AcknowledgedAtLevel { get; set; }
    public DateTimeOffset? AcknowledgeDueAt { get; set; }
    public DateTimeOffset? InterimDueAt { get; set; }
    public DateTimeOffset? ResponseDueAt { get; set; }
    public bool InterimNoticeSent { get; set; }
    public int Breaches { get; set; }

    public Guid? AcknowledgeTokenId { get; set; }
    public Guid? InterimTokenId { get; set; }
    public Guid? ResponseTokenId { get; set; }

    /// <summary>Orders the status updates this saga sends to the case document.</summary>
    public long StatusSequence { get; set; }

    [JsonIgnore]
    public SlaState SlaState => Breaches > 0 ? SlaState.Breached : SlaState.OnTrack;

    /// <summary>The soonest deadline still running, and which one it is.</summary>
    [JsonIgnore]
    public (DateTimeOffset? At, DeadlineKind? Kind) NextDeadline
    {
        get
        {
            var running = new List<(DateTimeOffset At, DeadlineKind Kind)>();
            if (AcknowledgeTokenId is not null && AcknowledgeDueAt is { } ack) running.Add((ack, DeadlineKind.Acknowledge));
            if (InterimTokenId is not null && InterimDueAt is { } interim) running.Add((interim, DeadlineKind.InterimNotice));
            if (ResponseTokenId is not null && ResponseDueAt is { } response) running.Add((response, DeadlineKind.Response));
            if (running.Count == 0) return (null, null);
            var next = running.MinBy(r => r.At);
            return (next.At, next.Kind);
        }
    }

    public void Raise<T>(T message) where T : class => _events.Add(message);

    public IReadOnlyList<OutboxMessage> TakePendingEvents() => _events.Take();
}
