using MassTransit;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Escalation;

/// <summary>
/// Escalates a case from the bedside up when its deadlines pass (flow 2 of the architecture). One instance per case:
/// <list type="bullet">
/// <item>Starts when the case opens, at level <c>unit</c>; a critical case starts at <c>executive</c> at once, with the
/// compliance contact told.</item>
/// <item>Each level has its acknowledgement deadline; acknowledging stops that clock. A missed acknowledgement or response
/// deadline raises <see cref="SlaBreached"/> and escalates one level (<see cref="CaseEscalated"/> with the new level's
/// recipients), where the next acknowledgement clock starts. Staff can escalate by hand the same way.</item>
/// <item>When the interim notice falls due and none was sent, <see cref="InterimNoticeDue"/>.</item>
/// <item>Resolving (or closing) ends the instance and cancels its timers; reopening starts a new one at <c>unit</c>.</item>
/// </list>
/// Timers are durable (the platform's own scheduler); a due message whose token is no longer the instance's is ignored, so a
/// cancelled or replaced timer never acts. Events are raised through the instance (<see cref="EscalationState.Raise{T}"/>) so
/// they are stored with its state and published after the write.
/// </summary>
public sealed class EscalationStateMachine : MassTransitStateMachine<EscalationState>
{
    public State Active { get; private set; } = null!;

    public Event<CaseOpened> Opened { get; private set; } = null!;
    public Event<CaseReopened> Reopened { get; private set; } = null!;
    public Event<CaseAcknowledged> Acknowledged { get; private set; } = null!;
    public Event<CaseEscalationRequested> EscalationRequested { get; private set; } = null!;
    public Event<ResponseLetterIssued> LetterIssued { get; private set; } = null!;
    public Event<CaseResolved> Resolved { get; private set; } = null!;
    public Event<CaseClosed> Closed { get; private set; } = null!;

    public Schedule<EscalationState, AcknowledgeDeadlineReached> AcknowledgeDeadline { get; private set; } = null!;
    public Schedule<EscalationState, InterimNoticeDeadlineReached> InterimDeadline { get; private set; } = null!;
    public Schedule<EscalationState, ResponseDeadlineReached> ResponseDeadline { get; private set; } = null!;

    public EscalationStateMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => Opened, e => e.CorrelateById(ctx => ctx.Message.CaseId));
        Event(() => Reopened, e => e.CorrelateById(ctx => ctx.Message.CaseId));
        // Actions on a case that has no escalation yet arrived before its CaseOpened: fault, so the retry policy tries again.
        Event(() => Acknowledged, e => { e.CorrelateById(ctx => ctx.Message.CaseId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => EscalationRequested, e => { e.CorrelateById(ctx => ctx.Message.CaseId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => LetterIssued, e => { e.CorrelateById(ctx => ctx.Message.CaseId); e.OnMissingInstance(m => m.Fault()); });
        // A resolution or closure with no instance is one that already ended it (a duplicate): nothing to do.
        Event(() => Resolved, e => { e.CorrelateById(ctx => ctx.Message.CaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Closed, e => { e.CorrelateById(ctx => ctx.Message.CaseId); e.OnMissingInstance(m => m.Discard()); });

        Schedule(() => AcknowledgeDeadline, x => x.AcknowledgeTokenId, s => s.Received = r => r.CorrelateById(ctx => ctx.Message.CaseId));
        Schedule(() => InterimDeadline, x => x.InterimTokenId, s => s.Received = r => r.CorrelateById(ctx => ctx.Message.CaseId));
        Schedule(() => ResponseDeadline, x => x.ResponseTokenId, s => s.Received = r => r.CorrelateById(ctx => ctx.Message.CaseId));

        Initially(
            When(Opened)
                .ThenAsync(ctx => StartAsync(ctx, ctx.Message.FacilityId, ctx.Message.DepartmentId, ctx.Message.UnitId, ctx.Message.SubmissionId,
                    ctx.Message.Severity, ctx.Message.SlaPolicyVersion, EscalationReason.Opened))
                .ScheduleAll(this)
                .Then(ctx => ReportStatus(ctx.Saga, null, null))
                .TransitionTo(Active),
            When(Reopened)
                .ThenAsync(ctx => RestartAsync(ctx))
                .ScheduleAll(this)
                .Then(ctx => ReportStatus(ctx.Saga, null, null))
                .TransitionTo(Active),
            // Out of order: the case was resolved before its CaseOpened reached the saga. Nothing to escalate.
            Ignore(Resolved),
            Ignore(Closed));

        During(Active,
            Ignore(Opened),
            Ignore(Reopened),
            // An acknowledgement stops the clock of the level the case is at now, whatever level the acknowledger saw.
            When(Acknowledged)
                .If(ctx => !ctx.Saga.AcknowledgedAtLevel, ack => ack
                    .Then(ctx => ctx.Saga.AcknowledgedAtLevel = true)
                    .Unschedule(AcknowledgeDeadline)
                    .Then(ctx => ReportStatus(ctx.Saga, "acknowledgement-clock-stopped", $"Acknowledged at level {ctx.Saga.Level.ToWire()} before {ctx.Saga.AcknowledgeDueAt:u}"))),
            When(AcknowledgeDeadline.Received)
                .Then(ctx => Breach(ctx.Saga, DeadlineKind.Acknowledge, ctx.Message.DueAt))
                .ThenAsync(ctx => EscalateAsync(ctx, EscalationReason.DeadlineMissed))
                .If(ctx => ctx.Saga.AcknowledgeDueAt is not null && !ctx.Saga.AcknowledgedAtLevel && ctx.Saga.Level != ctx.Message.Level, next => next
                    .ScheduleAcknowledgement(this))
                .Then(ctx => ReportStatus(ctx.Saga, "sla-breached", $"Acknowledgement deadline {ctx.Message.DueAt:u} missed at level {ctx.Message.Level.ToWire()}; now at {ctx.Saga.Level.ToWire()}")),
            When(ResponseDeadline.Received)
                .Unschedule(AcknowledgeDeadline)
                .Then(ctx => Breach(ctx.Saga, DeadlineKind.Response, ctx.Message.DueAt))
                .ThenAsync(ctx => EscalateAsync(ctx, EscalationReason.DeadlineMissed))
                .If(ctx => ctx.Saga.AcknowledgeDueAt is not null && !ctx.Saga.AcknowledgedAtLevel, next => next
                    .ScheduleAcknowledgement(this))
                .Then(ctx => ReportStatus(ctx.Saga, "sla-breached", $"Response deadline {ctx.Message.DueAt:u} missed; now at {ctx.Saga.Level.ToWire()}")),
            When(InterimDeadline.Received)
                .If(ctx => !ctx.Saga.InterimNoticeSent, due => due
                    .Then(ctx => ctx.Saga.Raise(new InterimNoticeDue
                    {
                        CaseId = ctx.Saga.CorrelationId, FacilityId = ctx.Saga.FacilityId, SubmissionId = ctx.Saga.SubmissionId,
                        DueAt = ctx.Message.DueAt, Severity = ctx.Saga.Severity,
                    }))
                    .Then(ctx => ReportStatus(ctx.Saga, "interim-notice-due", $"Interim notice due {ctx.Message.DueAt:u}; the case is unresolved"))),
            When(EscalationRequested)
                .If(ctx => ctx.Saga.Level.Next() is not null, manual => manual
                    .Unschedule(AcknowledgeDeadline)
                    .ThenAsync(ctx => EscalateAsync(ctx, EscalationReason.Manual))
                    .ScheduleAcknowledgement(this)
                    .Then(ctx => ReportStatus(ctx.Saga, null, null))),
            When(LetterIssued)
                .IfElse(ctx => ctx.Message.Kind == LetterKind.Final,
                    final => final.Then(ctx => ctx.Saga.InterimNoticeSent = true).Unschedule(ResponseDeadline).Unschedule(InterimDeadline),
                    interim => interim.Then(ctx => ctx.Saga.InterimNoticeSent = true).Unschedule(InterimDeadline))
                .Then(ctx => ReportStatus(ctx.Saga, null, null)),
            When(Resolved)
                .Unschedule(AcknowledgeDeadline).Unschedule(InterimDeadline).Unschedule(ResponseDeadline)
                .Then(ctx => ReportStatus(ctx.Saga, null, null, ctx.Saga.Breaches > 0 ? SlaState.Breached : SlaState.Met))
                .Finalize(),
            When(Closed)
                .Unschedule(AcknowledgeDeadline).Unschedule(InterimDeadline).Unschedule(ResponseDeadline)
                .Then(ctx => ReportStatus(ctx.Saga, null, null, ctx.Saga.Breaches > 0 ? SlaState.Breached : SlaState.Met))
                .Finalize());

        SetCompletedWhenFinalized();
    }

    /// <summary>Starts the timers of a case that has just opened (or reopened): interim notice, response, and the level's acknowledgement.</summary>
    internal EventActivityBinder<EscalationState, T> ScheduleCaseTimers<T>(EventActivityBinder<EscalationState, T> binder) where T : class => binder
        .Schedule(InterimDeadline, ctx => new InterimNoticeDeadlineReached(ctx.Saga.CorrelationId, ctx.Saga.InterimDueAt!.Value), ctx => ctx.Saga.InterimDueAt!.Value.UtcDateTime)
        .Schedule(ResponseDeadline, ctx => new ResponseDeadlineReached(ctx.Saga.CorrelationId, ctx.Saga.ResponseDueAt!.Value), ctx => ctx.Saga.ResponseDueAt!.Value.UtcDateTime)
        .ScheduleAcknowledgement(this);

    /// <summary>Starts the acknowledgement clock of the level the case is at.</summary>
    internal EventActivityBinder<EscalationState, T> ScheduleAcknowledgementTimer<T>(EventActivityBinder<EscalationState, T> binder) where T : class =>
        binder.Schedule(AcknowledgeDeadline, ctx => new AcknowledgeDeadlineReached(ctx.Saga.CorrelationId, ctx.Saga.Level, ctx.Saga.AcknowledgeDueAt!.Value),
            ctx => ctx.Saga.AcknowledgeDueAt!.Value.UtcDateTime);

    private static async Task StartAsync(BehaviorContext<EscalationState> ctx, string facilityId, string? departmentId, string? unitId, Guid submissionId,
        Severity severity, int policyVersion, EscalationReason reason)
    {
        var planner = ctx.GetServiceOrCreateInstance<EscalationPlanner>();
        var saga = ctx.Saga;
        var now = planner.Now;
        saga.FacilityId = facilityId;
        saga.DepartmentId = departmentId;
        saga.UnitId = unitId;
        saga.SubmissionId = submissionId;
        saga.Severity = severity;
        saga.PolicyVersion = policyVersion;
        saga.OpenedAt = now;
        saga.Level = severity == Severity.Critical ? EscalationLevel.Executive : EscalationLevel.Unit;
        saga.AcknowledgedAtLevel = false;
        await planner.PlanCaseDeadlinesAsync(saga, now, ctx.CancellationToken);
        await planner.PlanAcknowledgeDeadlineAsync(saga, now, ctx.CancellationToken);
        saga.Raise(new CaseEscalated
        {
            CaseId = saga.CorrelationId, FacilityId = facilityId, FromLevel = null, ToLevel = saga.Level,
            Reason = severity == Severity.Critical ? EscalationReason.CriticalSeverity : reason, Severity = severity, EscalatedAt = now,
            Recipients = await planner.RecipientsAsync(saga, saga.Level, ctx.CancellationToken),
        });
    }

    private static async Task RestartAsync(BehaviorContext<EscalationState, CaseReopened> ctx)
    {
        // A reopened case has no instance (the resolution ended it); what it needs is kept on the case.
        var cases = ctx.GetServiceOrCreateInstance<CaseStore>();
        var stored = await cases.GetAsync(ctx.Message.CaseId, ctx.CancellationToken)
            ?? throw new InvalidOperationException($"Case {ctx.Message.CaseId} reopened but not found.");
        var c = stored.Document;
        await StartAsync(ctx, c.FacilityId, c.DepartmentId, c.UnitId, c.SubmissionId, c.Severity, c.SlaPolicyVersion, EscalationReason.Reopened);
    }

    private static void Breach(EscalationState saga, DeadlineKind deadline, DateTimeOffset dueAt)
    {
        saga.Breaches++;
        saga.Raise(new SlaBreached
        {
            CaseId = saga.CorrelationId, FacilityId = saga.FacilityId, Level = saga.Level, Deadline = deadline, DueAt = dueAt,
            BreachedAt = DateTimeOffset.UtcNow, Severity = saga.Severity,
        });
        if (deadline == DeadlineKind.Acknowledge) saga.AcknowledgeDueAt = null;
    }

    /// <summary>Moves the case one level up, if there is one, and starts that level's acknowledgement clock.</summary>
    private static async Task EscalateAsync(BehaviorContext<EscalationState> ctx, EscalationReason reason)
    {
        var saga = ctx.Saga;
        if (saga.Level.Next() is not { } next) return; // already at the executive level: the breach is reported, there is no one higher
        var planner = ctx.GetServiceOrCreateInstance<EscalationPlanner>();
        var now = planner.Now;
        var from = saga.Level;
        saga.Level = next;
        saga.AcknowledgedAtLevel = false;
        await planner.PlanAcknowledgeDeadlineAsync(saga, now, ctx.CancellationToken);
        saga.Raise(new CaseEscalated
        {
            CaseId = saga.CorrelationId, FacilityId = saga.FacilityId, FromLevel = from, ToLevel = next, Reason = reason,
            Severity = saga.Severity, EscalatedAt = now, Recipients = await planner.RecipientsAsync(saga, next, ctx.CancellationToken),
        });
    }

    private static void ReportStatus(EscalationState saga, string? action, string? detail, SlaState? slaState = null)
    {
        var (at, kind) = saga.NextDeadline;
        saga.Raise(new EscalationStatusChanged
        {
            CaseId = saga.CorrelationId,
            Sequence = ++saga.StatusSequence,
            Level = saga.Level,
            NextDeadline = slaState is null ? at : null,
            NextDeadlineKind = slaState is null ? kind : null,
            SlaState = slaState ?? saga.SlaState,
            HistoryAction = action,
            HistoryDetail = detail,
            At = DateTimeOffset.UtcNow,
        });
    }
}

/// <summary>Lets the state machine's timer steps read as one step each in its event handlers.</summary>
internal static class EscalationTimerBinders
{
    public static EventActivityBinder<EscalationState, T> ScheduleAll<T>(this EventActivityBinder<EscalationState, T> binder, EscalationStateMachine machine) where T : class =>
        machine.ScheduleCaseTimers(binder);

    public static EventActivityBinder<EscalationState, T> ScheduleAcknowledgement<T>(this EventActivityBinder<EscalationState, T> binder, EscalationStateMachine machine) where T : class =>
        machine.ScheduleAcknowledgementTimer(binder);
}
