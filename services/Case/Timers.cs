using MassTransit;

namespace PatientExperience.Case;

/// <summary>
/// Scheduling from a consumer: through the consume context's scheduler (the platform bus gives every consume context the
/// durable one), else the registered <see cref="IMessageScheduler"/> (a bus without it in its consume pipe: test harnesses).
/// Messages are keyed by their scheduling token (registered with <c>ScheduleTokenId.UseTokenId</c>), so scheduling again
/// replaces and cancelling finds them.
/// </summary>
public sealed class Timers(IMessageScheduler fallback)
{
    public Task ScheduleAsync<T>(ConsumeContext context, Uri destination, DateTimeOffset due, T message) where T : class =>
        context.TryGetPayload<MessageSchedulerContext>(out var scheduler)
            ? scheduler.ScheduleSend(destination, due.UtcDateTime, message, context.CancellationToken)
            : fallback.ScheduleSend(destination, due.UtcDateTime, message, context.CancellationToken);

    public Task CancelAsync(ConsumeContext context, Uri destination, Guid tokenId) =>
        context.TryGetPayload<MessageSchedulerContext>(out var scheduler)
            ? scheduler.CancelScheduledSend(destination, tokenId, context.CancellationToken)
            : fallback.CancelScheduledSend(destination, tokenId, context.CancellationToken);
}
