using MassTransit;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Escalation;

/// <summary>
/// The steps of the escalation saga that need something from outside the instance: the SLA deadlines and who holds a level
/// (<see cref="EscalationPlanner"/>), the stored case, and the clock. Each is resolved from the container for the message it
/// handles, so the state machine itself holds no services and reads no clock.
/// </summary>
public abstract class EscalationActivity<TMessage> : IStateMachineActivity<EscalationState, TMessage> where TMessage : class
{
    protected abstract Task ApplyAsync(BehaviorContext<EscalationState, TMessage> context);

    public async Task Execute(BehaviorContext<EscalationState, TMessage> context, IBehavior<EscalationState, TMessage> next)
    {
        await ApplyAsync(context);
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<EscalationState, TMessage, TException> context, IBehavior<EscalationState, TMessage> next)
        where TException : Exception => next.Faulted(context);

    public void Probe(ProbeContext context) => context.CreateScope(GetType().Name);

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);
}

/// <summary>A case opened: its first level, its deadlines, and <see cref="CaseEscalated"/> to the people who hold that level.</summary>
public sealed class StartEscalation(EscalationPlanner planner) : EscalationActivity<CaseOpened>
{
    protected override Task ApplyAsync(BehaviorContext<EscalationState, CaseOpened> context)
    {
        var m = context.Message;
        var facts = new CaseFacts(m.FacilityId, m.DepartmentId, m.UnitId, m.SubmissionId, m.Severity, m.SlaPolicyVersion, m.SubmittedBy);
        return planner.BeginAsync(context.Saga, facts, m.OpenedAt, EscalationReason.Opened, context.CancellationToken);
    }
}

/// <summary>
/// A resolved case reopened: it starts again at its first level with fresh deadlines. The instance of its first escalation
/// ended with the resolution, so the case's facts come from the stored case; its status updates continue the case's numbering.
/// </summary>
public sealed class RestartEscalation(CaseStore cases, EscalationPlanner planner) : EscalationActivity<CaseReopened>
{
    protected override async Task ApplyAsync(BehaviorContext<EscalationState, CaseReopened> context)
    {
        var stored = await cases.GetAsync(context.Message.CaseId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Case {context.Message.CaseId} reopened but not found.");
        var c = stored.Document;
        // The case takes only updates numbered above the last it applied (Case.Reopen starts a new block for this escalation).
        context.Saga.StatusSequence = Math.Max(context.Saga.StatusSequence, c.EscalationSequence);
        var facts = new CaseFacts(c.FacilityId, c.DepartmentId, c.UnitId, c.SubmissionId, c.Severity, c.SlaPolicyVersion, c.SubmittedBy, c.CriticalConfirmedAt is not null);
        await planner.BeginAsync(context.Saga, facts, context.Message.ReopenedAt, EscalationReason.Reopened, context.CancellationToken);
    }
}

/// <summary>
/// Moves the case one level up (below the top level only), sets that level's acknowledgement deadline and raises
/// <see cref="CaseEscalated"/> with its recipients. The reason is <c>manual</c> when staff asked, <c>critical-severity</c> when
/// staff confirmed a critical case after triage, <c>deadline-missed</c> otherwise. A case leaving triage takes its severity
/// from the stored case first: one reclassified down follows the normal chain instead of going to the executives.
/// </summary>
public sealed class EscalateOneLevel<TMessage>(EscalationPlanner planner, CaseStore cases) : EscalationActivity<TMessage> where TMessage : class
{
    protected override async Task ApplyAsync(BehaviorContext<EscalationState, TMessage> context)
    {
        var saga = context.Saga;
        if (saga.InTriage && await cases.GetAsync(saga.CorrelationId, context.CancellationToken) is { } stored) saga.Severity = stored.Document.Severity;
        var reason = context.Message switch
        {
            CaseEscalationRequested => EscalationReason.Manual,
            CaseCriticalConfirmed => EscalationReason.CriticalSeverity,
            _ => EscalationReason.DeadlineMissed,
        };
        await planner.EscalateAsync(saga, reason, context.CancellationToken);
    }
}

/// <summary>A deadline passed: the breach is counted and <see cref="SlaBreached"/> raised at the level the case is at.</summary>
public sealed class RecordMissedDeadline<TMessage>(TimeProvider clock) : EscalationActivity<TMessage> where TMessage : class
{
    protected override Task ApplyAsync(BehaviorContext<EscalationState, TMessage> context)
    {
        var (deadline, dueAt) = context.Message switch
        {
            AcknowledgeDeadlineReached m => (DeadlineKind.Acknowledge, m.DueAt),
            ResponseDeadlineReached m => (DeadlineKind.Response, m.DueAt),
            _ => throw new InvalidOperationException($"{typeof(TMessage).Name} is not a deadline."),
        };
        context.Saga.RecordBreach(deadline, dueAt, clock.GetUtcNow());
        return Task.CompletedTask;
    }
}

/// <summary>Tells the case document where its escalation stands after the transition (level, next deadline, SLA state).</summary>
public sealed class ReportEscalationStatus<TMessage>(TimeProvider clock) : EscalationActivity<TMessage> where TMessage : class
{
    protected override Task ApplyAsync(BehaviorContext<EscalationState, TMessage> context)
    {
        context.Saga.ReportStatus(clock.GetUtcNow());
        return Task.CompletedTask;
    }
}

/// <summary>Tells the case document its escalation ended: no deadline runs, the SLA was met or breached.</summary>
public sealed class ReportEscalationEnded<TMessage>(TimeProvider clock) : EscalationActivity<TMessage> where TMessage : class
{
    protected override Task ApplyAsync(BehaviorContext<EscalationState, TMessage> context)
    {
        context.Saga.ReportStatus(clock.GetUtcNow(), context.Saga.FinalSlaState);
        return Task.CompletedTask;
    }
}

/// <summary>Registers the escalation saga's activities, so the state machine's steps are built with their dependencies.</summary>
public static class EscalationActivityRegistration
{
    public static IServiceCollection AddEscalationActivities(this IServiceCollection services)
    {
        services.AddScoped<StartEscalation>();
        services.AddScoped<RestartEscalation>();
        services.AddScoped(typeof(EscalateOneLevel<>));
        services.AddScoped(typeof(RecordMissedDeadline<>));
        services.AddScoped(typeof(ReportEscalationStatus<>));
        services.AddScoped(typeof(ReportEscalationEnded<>));
        return services;
    }
}
