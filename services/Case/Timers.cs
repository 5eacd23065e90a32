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
    /// <summary>How many times <see cref="KeepInStepAsync{T}"/> follows a document that keeps changing before it lets the retry take over.</summary>
    public const int MaxRounds = 10;

    public Task ScheduleAsync<T>(ConsumeContext? context, Uri destination, DateTimeOffset due, T message) where T : class =>
        context is not null && context.TryGetPayload<MessageSchedulerContext>(out var scheduler)
            ? scheduler.ScheduleSend(destination, due.UtcDateTime, message, context.CancellationToken)
            : fallback.ScheduleSend(destination, due.UtcDateTime, message, context?.CancellationToken ?? default);

    public Task CancelAsync(ConsumeContext? context, Uri destination, Guid tokenId) =>
        context is not null && context.TryGetPayload<MessageSchedulerContext>(out var scheduler)
            ? scheduler.CancelScheduledSend(destination, tokenId, context.CancellationToken)
            : fallback.CancelScheduledSend(destination, tokenId, context?.CancellationToken ?? default);

    /// <summary>
    /// Sets or cancels a document's timers for the document as it was read, then reads it again and does it again until the
    /// two agree. Timers are not written with the document, so two consumers of the same document race: one reads it open,
    /// another closes it and cancels its timers, and then the first schedules them again, and the timers outlive the thing
    /// they were for (or, the other way round, a reopened document loses its timers). Whoever changes the document applies
    /// its timers after the write; reading again after applying means either this read sees that change or the other
    /// consumer's apply comes after this one, so the last apply is always for the newest state.
    /// </summary>
    /// <exception cref="InvalidOperationException">The document changed <see cref="MaxRounds"/> times in a row: the message's retry takes over.</exception>
    public static async Task KeepInStepAsync<T>(T read, Func<T, Task> apply, Func<Task<T?>> readAgain, Func<T, T, bool> same) where T : class
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            await apply(read);
            if (await readAgain() is not { } now || same(now, read)) return;
            read = now;
        }

        throw new InvalidOperationException($"The timers of a {typeof(T).Name} could not be brought in step: it kept changing.");
    }
}
