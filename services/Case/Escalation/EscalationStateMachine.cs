using MassTransit;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging.Sagas;

namespace PatientExperience.Case.Escalation;

/// <summary>
/// Escalates a case from the bedside up when its deadlines pass (flow 2 of the architecture). One instance per case, whose
/// states are the steps of the process:
/// <list type="bullet">
/// <item><see cref="AwaitingAcknowledgement"/>: the case opened (or reopened, or moved up) and the people of its level were
/// told (<see cref="CaseEscalated"/>); the level's acknowledgement clock runs. It starts at <c>unit</c>; a critical case starts
/// at <c>executive</c> at once, with the compliance contact told, when it came through an authenticated channel (staff,
/// integration). A critical case from an anonymous channel starts in triage (<see cref="EscalationState.InTriage"/>): the
/// facility's patient-relations leads and compliance contact are told on inbox and email (reason <c>critical-triage</c>), with
/// the acknowledgement clock running; staff confirming it (<see cref="CaseCriticalConfirmed"/>), escalating it, or a missed
/// deadline moves it to <c>executive</c> at once.</item>
/// <item>When that clock runs out (<see cref="WhenTheLevelMissesItsAcknowledgementDeadline"/>), the breach is reported
/// (<see cref="SlaBreached"/>) and the case moves one level up (unit to department, department to executive) to await that
/// level's acknowledgement; at the executive level there is no one higher, so only the breach is reported.</item>
/// <item><see cref="AwaitingResponse"/>: the level acknowledged, which stopped its clock; the case's interim notice and final
/// response clocks still run. A missed response deadline is a breach and moves the case up a level, acknowledged or not.
/// Staff can escalate by hand the same way.</item>
/// <item>When the interim notice falls due and none was sent, <see cref="InterimNoticeDue"/>.</item>
/// <item>Resolving (or closing) ends the instance and cancels its timers; reopening starts a new one at its first level.
/// A resolution that overtakes its CaseOpened leaves <see cref="ResolvedBeforeOpened"/>, so the late CaseOpened starts nothing.</item>
/// </list>
/// Timers are durable (the platform's own scheduler); a due message whose token is no longer the instance's is ignored, so a
/// cancelled or replaced timer never acts. An acknowledgement made before the case reached its current level (a late or
/// redelivered one) does not stop that level's clock. Events are raised through the instance
/// (<see cref="EscalationState.Raise{T}"/>) so they are stored with its state and published after the write. Everything the
/// process needs from outside (deadlines, recipients, the stored case, the clock) comes through its activities
/// (<see cref="EscalationActivity{TMessage}"/>).
/// </summary>
public sealed class EscalationStateMachine : MassTransitStateMachine<EscalationState>
{
    /// <summary>The people of the case's current level were told; its acknowledgement clock runs (unless the top level already missed it).</summary>
    public State AwaitingAcknowledgement { get; private set; } = null!;

    /// <summary>The current level acknowledged the case; the interim notice and response clocks run.</summary>
    public State AwaitingResponse { get; private set; } = null!;

    /// <summary>The case's resolution arrived before its CaseOpened (a backlog or a replay): there is nothing to escalate.</summary>
    public State ResolvedBeforeOpened { get; private set; } = null!;

    public Event<CaseOpened> Opened { get; private set; } = null!;
    public Event<CaseReopened> Reopened { get; private set; } = null!;
    public Event<CaseAcknowledged> Acknowledged { get; private set; } = null!;
    public Event<CaseEscalationRequested> EscalationRequested { get; private set; } = null!;
    /// <summary>Staff confirmed a critical case from an anonymous channel after triage.</summary>
    public Event<CaseCriticalConfirmed> CriticalConfirmed { get; private set; } = null!;
    public Event<ResponseLetterIssued> LetterIssued { get; private set; } = null!;
    public Event<CaseResolved> Resolved { get; private set; } = null!;
    public Event<CaseClosed> Closed { get; private set; } = null!;
    /// <summary>A service could not take a <see cref="CaseEscalated"/> (for example, the notification of the level's people failed).</summary>
    public Event<Fault<CaseEscalated>> EscalationNoticeFailed { get; private set; } = null!;

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
        Event(() => CriticalConfirmed, e => { e.CorrelateById(ctx => ctx.Message.CaseId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => LetterIssued, e => { e.CorrelateById(ctx => ctx.Message.CaseId); e.OnMissingInstance(m => m.Fault()); });
        // A resolution with no instance either overtook its CaseOpened or repeats one that already ended the escalation (see
        // ResolvedBeforeOpened). A closure with no instance follows a resolution that ended it: nothing to do.
        Event(() => Resolved, e => e.CorrelateById(ctx => ctx.Message.CaseId));
        Event(() => Closed, e => { e.CorrelateById(ctx => ctx.Message.CaseId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => EscalationNoticeFailed, e => { e.CorrelateById(ctx => ctx.Message.Message.CaseId); e.OnMissingInstance(m => m.Discard()); });

        Schedule(() => AcknowledgeDeadline, x => x.AcknowledgeTokenId, s => s.Received = r => r.CorrelateById(ctx => ctx.Message.CaseId));
        Schedule(() => InterimDeadline, x => x.InterimTokenId, s => s.Received = r => r.CorrelateById(ctx => ctx.Message.CaseId));
        Schedule(() => ResponseDeadline, x => x.ResponseTokenId, s => s.Received = r => r.CorrelateById(ctx => ctx.Message.CaseId));

        Initially(
            WhenTheCaseOpens(),
            WhenTheCaseIsReopened(),
            When(Resolved)
                .TransitionTo(ResolvedBeforeOpened),
            Ignore(Closed));

        During(ResolvedBeforeOpened,
            // The late CaseOpened of a case already resolved: no clock starts; the case shows its SLA as met.
            When(Opened)
                .Activity(x => x.OfType<ReportEscalationEnded<CaseOpened>>())
                .Finalize(),
            WhenTheCaseIsReopened(),
            Ignore(Acknowledged),
            Ignore(EscalationRequested),
            Ignore(CriticalConfirmed),
            Ignore(LetterIssued),
            Ignore(Resolved),
            Ignore(Closed),
            Ignore(EscalationNoticeFailed));

        During(AwaitingAcknowledgement,
            WhenTheLevelAcknowledges(),
            WhenTheLevelMissesItsAcknowledgementDeadline());

        During(AwaitingResponse,
            // The level already acknowledged: another acknowledgement changes nothing.
            Ignore(Acknowledged));

        During(AwaitingAcknowledgement, AwaitingResponse,
            // A duplicate: the escalation is already running.
            Ignore(Opened),
            WhenAReopeningOvertakesItsResolution(),
            WhenTheResponseDeadlinePasses(),
            WhenTheInterimNoticeFallsDue(),
            WhenStaffEscalateByHand(),
            WhenStaffConfirmACriticalCaseInTriage(),
            WhenALetterIsIssued(),
            WhenTheCaseEnds(Resolved),
            WhenTheCaseEnds(Closed),
            WhenTheLevelCouldNotBeTold());

        SetCompletedWhenFinalized();
    }

    /// <summary>A case opened: its first level is told and its clocks start.</summary>
    private EventActivities<EscalationState> WhenTheCaseOpens() =>
        When(Opened)
            .Activity(x => x.OfType<StartEscalation>())
            .StartCaseClocks(this)
            .StartAcknowledgementClock(this)
            .ReportStatus()
            .TransitionTo(AwaitingAcknowledgement);

    /// <summary>A resolved case reopened: it starts again at its first level, with fresh deadlines, as a case that opens.</summary>
    private EventActivities<EscalationState> WhenTheCaseIsReopened() =>
        When(Reopened)
            .Activity(x => x.OfType<RestartEscalation>())
            .StartCaseClocks(this)
            .StartAcknowledgementClock(this)
            .ReportStatus()
            .TransitionTo(AwaitingAcknowledgement);

    /// <summary>
    /// A CaseReopened while the case is still escalating. Made before this escalation started, it is the one that started it,
    /// delivered again: nothing to do. Made since, it overtook the CaseResolved that ends this escalation (a backlog, or the
    /// two handled side by side): it faults, so the retry policy brings it back once the resolution has ended this instance,
    /// and the reopened case starts a new one.
    /// </summary>
    private EventActivities<EscalationState> WhenAReopeningOvertakesItsResolution() =>
        When(Reopened)
            .If(ctx => ctx.Saga.IsReopenedSinceItStarted(ctx.Message), overtaking => overtaking
                .Then(ctx => throw new EscalationStillRunningException(ctx.Saga.CorrelationId)));

    /// <summary>
    /// The level acknowledged the case: its acknowledgement clock stops, whatever level the acknowledger saw, unless the
    /// acknowledgement was made before the case reached this level (a late or redelivered one from an earlier level).
    /// </summary>
    private EventActivities<EscalationState> WhenTheLevelAcknowledges() =>
        When(Acknowledged, ctx => !ctx.Saga.IsFromAnEarlierLevel(ctx.Message))
            .Then(ctx => ctx.Saga.AcknowledgedAtLevel = true)
            .Unschedule(AcknowledgeDeadline)
            .AddToTimeline(ctx => ("acknowledgement-clock-stopped", $"Acknowledged at level {ctx.Saga.Level.ToWire()} before {ctx.Saga.AcknowledgeDueAt:u}"))
            .ReportStatus()
            .TransitionTo(AwaitingResponse);

    /// <summary>
    /// The level (unit, department) did not acknowledge in time: the breach is reported and the case moves one level up,
    /// whose people are told and whose own acknowledgement clock starts. At the executive level there is no one higher: the
    /// breach is reported and the case stays there, awaiting its acknowledgement.
    /// </summary>
    private EventActivities<EscalationState> WhenTheLevelMissesItsAcknowledgementDeadline() =>
        When(AcknowledgeDeadline.Received)
            .Activity(x => x.OfType<RecordMissedDeadline<AcknowledgeDeadlineReached>>())
            .If(ctx => !ctx.Saga.IsAtTopLevel, up => up
                .Activity(x => x.OfType<EscalateOneLevel<AcknowledgeDeadlineReached>>())
                .StartAcknowledgementClock(this))
            .AddToTimeline(ctx => ("sla-breached", $"Acknowledgement deadline {ctx.Message.DueAt:u} missed at level {ctx.Message.Level.ToWire()}; now at {ctx.Saga.Level.ToWire()}"))
            .ReportStatus()
            .TransitionTo(AwaitingAcknowledgement);

    /// <summary>
    /// The final response is overdue, whether or not the level acknowledged: the breach is reported and the case moves one
    /// level up to await that level's acknowledgement. At the executive level only the breach is reported.
    /// </summary>
    private EventActivities<EscalationState> WhenTheResponseDeadlinePasses() =>
        When(ResponseDeadline.Received)
            .Activity(x => x.OfType<RecordMissedDeadline<ResponseDeadlineReached>>())
            .If(ctx => !ctx.Saga.IsAtTopLevel, up => up
                .Unschedule(AcknowledgeDeadline)
                .Activity(x => x.OfType<EscalateOneLevel<ResponseDeadlineReached>>())
                .StartAcknowledgementClock(this)
                .TransitionTo(AwaitingAcknowledgement))
            .AddToTimeline(ctx => ("sla-breached", $"Response deadline {ctx.Message.DueAt:u} missed; now at {ctx.Saga.Level.ToWire()}"))
            .ReportStatus();

    /// <summary>The interim notice to the complainant falls due and none was sent: <see cref="InterimNoticeDue"/>.</summary>
    private EventActivities<EscalationState> WhenTheInterimNoticeFallsDue() =>
        When(InterimDeadline.Received, ctx => !ctx.Saga.InterimNoticeSent)
            .PublishThroughOutbox(ctx => new InterimNoticeDue
            {
                CaseId = ctx.Saga.CorrelationId, FacilityId = ctx.Saga.FacilityId, SubmissionId = ctx.Saga.SubmissionId,
                DueAt = ctx.Message.DueAt, Severity = ctx.Saga.Severity,
            })
            .AddToTimeline(ctx => ("interim-notice-due", $"Interim notice due {ctx.Message.DueAt:u}; the case is unresolved"))
            .ReportStatus();

    /// <summary>Staff escalate by hand (below the top level): the case moves one level up and that level's clock replaces the current one.</summary>
    private EventActivities<EscalationState> WhenStaffEscalateByHand() =>
        When(EscalationRequested, ctx => !ctx.Saga.IsAtTopLevel)
            .Unschedule(AcknowledgeDeadline)
            .Activity(x => x.OfType<EscalateOneLevel<CaseEscalationRequested>>())
            .StartAcknowledgementClock(this)
            .ReportStatus()
            .TransitionTo(AwaitingAcknowledgement);

    /// <summary>
    /// Staff confirmed a critical case from an anonymous channel after triage: it moves to the executive level at once (reason
    /// <c>critical-severity</c>, the compliance contact told too), whose acknowledgement clock replaces triage's. A confirmation
    /// after the case left triage (a missed deadline or a manual escalation took it up already) changes nothing.
    /// </summary>
    private EventActivities<EscalationState> WhenStaffConfirmACriticalCaseInTriage() =>
        When(CriticalConfirmed, ctx => ctx.Saga.InTriage)
            .Unschedule(AcknowledgeDeadline)
            .Activity(x => x.OfType<EscalateOneLevel<CaseCriticalConfirmed>>())
            .StartAcknowledgementClock(this)
            .ReportStatus()
            .TransitionTo(AwaitingAcknowledgement);

    /// <summary>An interim letter stops the interim notice clock; a final letter stops the response clock too.</summary>
    private EventActivities<EscalationState> WhenALetterIsIssued() =>
        When(LetterIssued)
            .Then(ctx => ctx.Saga.InterimNoticeSent = true)
            .Unschedule(InterimDeadline)
            .If(ctx => ctx.Message.Kind == LetterKind.Final, final => final.Unschedule(ResponseDeadline))
            .ReportStatus();

    /// <summary>The case was resolved (or closed): every clock stops, the case shows its SLA as met or breached, the instance ends.</summary>
    private EventActivities<EscalationState> WhenTheCaseEnds<TMessage>(Event<TMessage> ended) where TMessage : class =>
        When(ended)
            .StopAllClocks(this)
            .Activity(x => x.OfType<ReportEscalationEnded<TMessage>>())
            .Finalize();

    /// <summary>A service could not take the escalation (after its retries): the case's timeline says so, so staff can follow up.</summary>
    private EventActivities<EscalationState> WhenTheLevelCouldNotBeTold() =>
        When(EscalationNoticeFailed)
            .AddToTimeline(ctx => ("escalation-notice-failed",
                $"Telling the {ctx.Message.Message.ToLevel.ToWire()} level failed in a receiving service ({ctx.Message.Exceptions.FirstOrDefault()?.ExceptionType ?? "unknown error"})"))
            .ReportStatus();

    /// <summary>Starts the clocks of a case that has just opened (or reopened): interim notice and response.</summary>
    internal EventActivityBinder<EscalationState, T> ScheduleCaseTimers<T>(EventActivityBinder<EscalationState, T> binder) where T : class => binder
        .Schedule(InterimDeadline, ctx => new InterimNoticeDeadlineReached(ctx.Saga.CorrelationId, ctx.Saga.InterimDueAt!.Value), ctx => ctx.Saga.InterimDueAt!.Value.UtcDateTime)
        .Schedule(ResponseDeadline, ctx => new ResponseDeadlineReached(ctx.Saga.CorrelationId, ctx.Saga.ResponseDueAt!.Value), ctx => ctx.Saga.ResponseDueAt!.Value.UtcDateTime);

    /// <summary>Starts the acknowledgement clock of the level the case is at.</summary>
    internal EventActivityBinder<EscalationState, T> ScheduleAcknowledgementTimer<T>(EventActivityBinder<EscalationState, T> binder) where T : class =>
        binder.Schedule(AcknowledgeDeadline, ctx => new AcknowledgeDeadlineReached(ctx.Saga.CorrelationId, ctx.Saga.Level, ctx.Saga.AcknowledgeDueAt!.Value),
            ctx => ctx.Saga.AcknowledgeDueAt!.Value.UtcDateTime);

    /// <summary>Cancels every clock of the case.</summary>
    internal EventActivityBinder<EscalationState, T> UnscheduleAll<T>(EventActivityBinder<EscalationState, T> binder) where T : class =>
        binder.Unschedule(AcknowledgeDeadline).Unschedule(InterimDeadline).Unschedule(ResponseDeadline);
}

/// <summary>Lets the state machine's steps read as one step each in its event handlers.</summary>
internal static class EscalationBinders
{
    public static EventActivityBinder<EscalationState, T> StartCaseClocks<T>(this EventActivityBinder<EscalationState, T> binder, EscalationStateMachine machine) where T : class =>
        machine.ScheduleCaseTimers(binder);

    public static EventActivityBinder<EscalationState, T> StartAcknowledgementClock<T>(this EventActivityBinder<EscalationState, T> binder, EscalationStateMachine machine) where T : class =>
        machine.ScheduleAcknowledgementTimer(binder);

    public static EventActivityBinder<EscalationState, T> StopAllClocks<T>(this EventActivityBinder<EscalationState, T> binder, EscalationStateMachine machine) where T : class =>
        machine.UnscheduleAll(binder);

    /// <summary>The line the next status update adds to the case's timeline.</summary>
    public static EventActivityBinder<EscalationState, T> AddToTimeline<T>(this EventActivityBinder<EscalationState, T> binder,
        Func<BehaviorContext<EscalationState, T>, (string Action, string? Detail)> line) where T : class =>
        binder.Then(ctx => ctx.Saga.TimelineLine = line(ctx));

    /// <summary>Tells the case document where its escalation stands now (see <see cref="EscalationStatusChanged"/>).</summary>
    public static EventActivityBinder<EscalationState, T> ReportStatus<T>(this EventActivityBinder<EscalationState, T> binder) where T : class =>
        binder.Activity(x => x.OfType<ReportEscalationStatus<T>>());
}

/// <summary>A reopening reached the escalation before the resolution that ends it; retried until the resolution has been handled.</summary>
public sealed class EscalationStillRunningException(Guid caseId)
    : Exception($"Case {caseId} was reopened but its escalation has not yet handled the resolution before it; retrying.");
