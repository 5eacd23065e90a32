using System.Text.Json.Serialization;
using MassTransit;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Storage;

namespace PatientExperience.Case.Escalation;

/// <summary>
/// The escalation of one case (its id is the case id): the state of its process (<see cref="CurrentState"/>, one of the
/// <see cref="EscalationStateMachine"/>'s states), the level it has reached, the deadlines of the SLA policy version it opened
/// under, and the tokens of the timers that enforce them. Stored through the storage port with optimistic concurrency; the
/// events a transition raises are stored with it (outbox) and published after the write.
/// The methods below are the saga's rules about its own data; the state machine says when each applies, and its activities
/// bring what the rules need from outside (deadlines, recipients, the clock).
/// </summary>
public sealed class EscalationState : SagaStateMachineInstance, ISagaWithOutbox, IJsonOnDeserialized
{
    /// <summary>The one state of the saga before its states were the process; stored instances may still carry it.</summary>
    internal const string LegacyActiveState = "Active";

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
    /// <summary>The channel the concern came through; stored before it existed: anonymous.</summary>
    public SubmissionOrigin SubmittedBy { get; set; } = SubmissionOrigin.Anonymous;
    /// <summary>
    /// A critical case from an anonymous channel that staff have not confirmed yet: its people are the facility's triage
    /// (patient-relations leads and the compliance contact, on inbox and email), not the executives' pagers. Confirming it, or
    /// any move up (a missed deadline, staff escalating), takes it to the executive level at once.
    /// </summary>
    public bool InTriage { get; set; }
    /// <summary>Whether the current level has acknowledged the case (its acknowledgement clock stopped).</summary>
    public bool AcknowledgedAtLevel { get; set; }
    /// <summary>
    /// When the case reached its current level (for the first level, when it opened or reopened). An acknowledgement made
    /// before then belongs to an earlier level. Absent in instances stored before it existed: every acknowledgement counts.
    /// </summary>
    public DateTimeOffset? LevelReachedAt { get; set; }
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

    /// <summary>How the case's SLA ended when its escalation ends: met, or breached at some point.</summary>
    [JsonIgnore]
    public SlaState FinalSlaState => Breaches > 0 ? SlaState.Breached : SlaState.Met;

    [JsonIgnore]
    public bool IsAtTopLevel => Level.Next() is null;

    /// <summary>The line the current transition adds to the case's timeline with its status update (not stored).</summary>
    [JsonIgnore]
    internal (string Action, string? Detail)? TimelineLine { get; set; }

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

    /// <summary>
    /// Takes the facts of a case that opens (or reopens) and puts it at its first level: <c>unit</c>, or <c>executive</c> at
    /// once when it is critical and came through an authenticated channel (or staff confirmed it). A critical case from an
    /// anonymous channel starts in triage, at <c>unit</c> (see <see cref="InTriage"/>).
    /// </summary>
    public void Begin(CaseFacts facts, DateTimeOffset openedAt, DateTimeOffset now)
    {
        FacilityId = facts.FacilityId;
        DepartmentId = facts.DepartmentId;
        UnitId = facts.UnitId;
        SubmissionId = facts.SubmissionId;
        Severity = facts.Severity;
        PolicyVersion = facts.SlaPolicyVersion;
        OpenedAt = now;
        SubmittedBy = facts.SubmittedBy;
        InTriage = IsCritical && facts.SubmittedBy == SubmissionOrigin.Anonymous && !facts.CriticalConfirmed;
        Level = IsCritical && !InTriage ? EscalationLevel.Executive : EscalationLevel.Unit;
        AcknowledgedAtLevel = false;
        LevelReachedAt = openedAt;
    }

    /// <summary>Critical severity (abuse, neglect, harm, discrimination) goes to the executive level at once and to compliance.</summary>
    [JsonIgnore]
    public bool IsCritical => Severity == Severity.Critical;

    /// <summary>Moves the case one level up; returns the level it came from. Only below the top level.</summary>
    public EscalationLevel MoveUpOneLevel(DateTimeOffset now)
    {
        // A critical case leaving triage goes straight to the executives (as an authenticated one starts there).
        var next = (InTriage && IsCritical ? EscalationLevel.Executive : Level.Next()) ?? throw new InvalidOperationException($"Case {CorrelationId} is already at the {Level.ToWire()} level.");
        var from = Level;
        Level = next;
        InTriage = false;
        AcknowledgedAtLevel = false;
        LevelReachedAt = now;
        return from;
    }

    /// <summary>Whether an acknowledgement was made for an earlier level than the one the case is at (a late or redelivered one).</summary>
    public bool IsFromAnEarlierLevel(CaseAcknowledged acknowledgement) =>
        LevelReachedAt is { } reached && acknowledgement.AcknowledgedAt < reached;

    /// <summary>Whether a reopening was made after this escalation started (so after a resolution it has not handled yet).</summary>
    public bool IsReopenedSinceItStarted(CaseReopened reopened) => reopened.ReopenedAt > OpenedAt;

    /// <summary>A deadline passed: counts the breach and raises <see cref="SlaBreached"/> at the current level.</summary>
    public void RecordBreach(DeadlineKind deadline, DateTimeOffset dueAt, DateTimeOffset now)
    {
        Breaches++;
        Raise(new SlaBreached
        {
            CaseId = CorrelationId, FacilityId = FacilityId, Level = Level, Deadline = deadline, DueAt = dueAt, BreachedAt = now, Severity = Severity,
        });
        if (deadline == DeadlineKind.Acknowledge) AcknowledgeDueAt = null;
    }

    /// <summary>Tells the case document where its escalation stands (and adds the transition's timeline line, if any).</summary>
    public void ReportStatus(DateTimeOffset now, SlaState? finalSlaState = null)
    {
        var (at, kind) = NextDeadline;
        var line = TimelineLine;
        TimelineLine = null;
        Raise(new EscalationStatusChanged
        {
            CaseId = CorrelationId,
            Sequence = ++StatusSequence,
            Level = Level,
            NextDeadline = finalSlaState is null ? at : null,
            NextDeadlineKind = finalSlaState is null ? kind : null,
            SlaState = finalSlaState ?? SlaState,
            HistoryAction = line?.Action,
            HistoryDetail = line?.Detail,
            At = now,
        });
    }

    public void Raise<T>(T message) where T : class => _events.Add(message);

    public IReadOnlyList<OutboxMessage> TakePendingEvents() => _events.Take();

    /// <summary>
    /// Upgrades an instance stored with the single <c>Active</c> state of earlier versions to the state its flags meant:
    /// the current level acknowledged (awaiting the response) or not (awaiting its acknowledgement).
    /// </summary>
    void IJsonOnDeserialized.OnDeserialized()
    {
        if (CurrentState == LegacyActiveState)
            CurrentState = AcknowledgedAtLevel ? nameof(EscalationStateMachine.AwaitingResponse) : nameof(EscalationStateMachine.AwaitingAcknowledgement);
    }
}

/// <summary>What the escalation needs to know about its case, from CaseOpened or, on reopening, from the stored case.</summary>
/// <param name="SubmittedBy">The channel the concern came through (a critical case from an anonymous one starts in triage).</param>
/// <param name="CriticalConfirmed">Staff confirmed it critical before (a reopened case does not go through triage again).</param>
public sealed record CaseFacts(string FacilityId, string? DepartmentId, string? UnitId, Guid SubmissionId, Severity Severity, int SlaPolicyVersion,
    SubmissionOrigin SubmittedBy = SubmissionOrigin.Anonymous, bool CriticalConfirmed = false);
