using MassTransit;

namespace PatientExperience.Scheduling.Tests;

/// <summary>A grievance was opened and must be answered by <see cref="RespondBy"/>.</summary>
public sealed record GrievanceOpened(Guid GrievanceId, DateTimeOffset RespondBy);

/// <summary>The response deadline moves (an agreed extension).</summary>
public sealed record ResponseDeadlineExtended(Guid GrievanceId, DateTimeOffset RespondBy);

public sealed record GrievanceAcknowledged(Guid GrievanceId);

/// <summary>The timeout the saga schedules for itself.</summary>
public sealed record ResponseDeadlineElapsed(Guid GrievanceId);

public sealed class ResponseDeadlineState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = "";

    /// <summary>The token of the deadline currently scheduled, if any.</summary>
    public Guid? DeadlineTokenId { get; set; }

    public int Breaches { get; set; }
}

/// <summary>
/// A small escalation saga: a grievance must be answered by a deadline; an extension moves it (a new token, the old one
/// cancelled); an acknowledgement cancels it; a missed deadline is a breach. Deadlines are absolute instants, as SLA
/// deadlines are, so tests drive them with a fake clock.
/// </summary>
public sealed class ResponseDeadlineStateMachine : MassTransitStateMachine<ResponseDeadlineState>
{
    public ResponseDeadlineStateMachine(SchedulingRecorder recorder)
    {
        InstanceState(x => x.CurrentState);
        Event(() => Opened, e => e.CorrelateById(m => m.Message.GrievanceId));
        Event(() => Extended, e => e.CorrelateById(m => m.Message.GrievanceId));
        Event(() => Acknowledged, e => e.CorrelateById(m => m.Message.GrievanceId));
        Schedule(() => Deadline, x => x.DeadlineTokenId, s => s.Received = r => r.CorrelateById(m => m.Message.GrievanceId));

        Initially(
            When(Opened)
                .Schedule(Deadline, ctx => new ResponseDeadlineElapsed(ctx.Saga.CorrelationId), ctx => ctx.Message.RespondBy.UtcDateTime)
                .Then(ctx => recorder.Scheduled(ctx.Saga.CorrelationId, ctx.Saga.DeadlineTokenId))
                .TransitionTo(AwaitingResponse));

        During(AwaitingResponse,
            When(Extended)
                .Schedule(Deadline, ctx => new ResponseDeadlineElapsed(ctx.Saga.CorrelationId), ctx => ctx.Message.RespondBy.UtcDateTime)
                .Then(ctx => recorder.Scheduled(ctx.Saga.CorrelationId, ctx.Saga.DeadlineTokenId)),
            When(Acknowledged)
                .Unschedule(Deadline)
                .TransitionTo(Responded),
            When(Deadline.Received)
                .Then(ctx =>
                {
                    ctx.Saga.Breaches++;
                    recorder.Breached(ctx.Saga.CorrelationId, ctx.GetSchedulingTokenId());
                })
                .TransitionTo(Breached));
    }

    public State AwaitingResponse { get; private set; } = null!;
    public State Responded { get; private set; } = null!;
    public State Breached { get; private set; } = null!;

    public Event<GrievanceOpened> Opened { get; private set; } = null!;
    public Event<ResponseDeadlineExtended> Extended { get; private set; } = null!;
    public Event<GrievanceAcknowledged> Acknowledged { get; private set; } = null!;

    public Schedule<ResponseDeadlineState, ResponseDeadlineElapsed> Deadline { get; private set; } = null!;
}
