using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using MassTransit.Serialization;

namespace PatientExperience.Messaging.Scheduling;

/// <summary>
/// Schedules by writing the message to the service's store; <see cref="ScheduledMessageDispatcher"/> sends it when due.
/// The message goes through the send pipe it is given (headers, ids) and MassTransit's serializer, as a transport would send
/// it, and is stored under its scheduling token: the token of <see cref="ScheduleTokenIdCache{T}"/>, or a new one.
/// Inside an attempt of a saga on the document repository the message is stored at once all the same, but undone if the
/// attempt is discarded, and cancellations wait until the attempt's instance is stored (<see cref="SagaAttemptTimers"/>).
/// </summary>
internal sealed class DurableScheduleMessageProvider(ScheduledMessageStore store, ConsumeContext? consumeContext) : IScheduleMessageProvider
{
    private static readonly SystemTextJsonMessageSerializer Serializer = SystemTextJsonMessageSerializer.Instance;

    public async Task<ScheduledMessage<T>> ScheduleSend<T>(Uri destinationAddress, DateTime scheduledTime, T message, IPipe<SendContext<T>> pipe,
        CancellationToken cancellationToken)
        where T : class
    {
        if (!MessageTypeCache<T>.IsValidMessageType) throw new ArgumentException(MessageTypeCache<T>.InvalidMessageTypeReason, nameof(message));

        var context = new MessageSendContext<T>(message, cancellationToken)
        {
            DestinationAddress = destinationAddress,
            Serializer = Serializer,
            ScheduledMessageId = ScheduleTokenIdCache<T>.GetTokenId(message),
        };
        // Scheduled from a consumer: the message continues its conversation, as a send from the consume context would.
        if (consumeContext is not null) context.TransferConsumeContextHeaders(consumeContext);
        if (pipe.IsNotEmpty()) await pipe.Send(context);

        // The pipe may choose the token, as with transport schedulers.
        var tokenId = context.ScheduledMessageId ?? NewId.NextGuid();
        context.Headers.Set(MessageHeaders.SchedulingTokenId, tokenId.ToString("D"));

        var due = AsUtc(scheduledTime);
        var activity = Activity.Current;
        var document = new ScheduledMessageDocument
        {
            Destination = destinationAddress.ToString(),
            ScheduledTime = due,
            DueAt = due,
            MessageTypes = context.SupportedMessageTypes,
            ContentType = context.ContentType.ToString(),
            Body = JsonSerializer.Deserialize<JsonElement>(Serializer.GetMessageBody(context).GetBytes()),
            TraceParent = activity?.Id,
            TraceState = activity?.TraceStateString,
            CreatedAt = store.Time.GetUtcNow(),
        };
        var inserted = await store.SaveAsync(tokenId, document, cancellationToken);
        if (inserted) SagaAttemptTimers.Current?.Scheduled(store, tokenId);

        return new ScheduledMessageHandle<T>(tokenId, scheduledTime, destinationAddress, message);
    }

    public Task CancelScheduledSend(Guid tokenId, CancellationToken cancellationToken) => CancelAsync(tokenId, cancellationToken);

    /// <summary>Called by state machines with the receive endpoint's address, not the destination: the token alone finds the message.</summary>
    public Task CancelScheduledSend(Uri destinationAddress, Guid tokenId, CancellationToken cancellationToken) => CancelAsync(tokenId, cancellationToken);

    /// <summary>In a saga's attempt, held until the attempt's instance is stored (see <see cref="SagaAttemptTimers"/>); elsewhere at once.</summary>
    private Task CancelAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        if (SagaAttemptTimers.Current is { } attempt)
        {
            attempt.CancelOnceStored(store, tokenId);
            return Task.CompletedTask;
        }

        return store.CancelAsync(tokenId, cancellationToken);
    }

    /// <summary>MassTransit treats an unspecified kind as UTC; a local time is converted.</summary>
    private static DateTimeOffset AsUtc(DateTime time) =>
        new(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));
}

/// <summary>
/// Gives every consume context a message scheduler over the durable provider, so sagas can <c>Schedule</c> and
/// <c>Unschedule</c> and consumers can <c>ScheduleSend</c>. Added to the bus's consume pipe ahead of every endpoint.
/// </summary>
internal sealed class DurableMessageSchedulerFilter(ScheduledMessageStore store) : IFilter<ConsumeContext>
{
    public void Probe(ProbeContext context) => context.CreateFilterScope("durableMessageScheduler");

    [DebuggerNonUserCode]
    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        context.GetOrAddPayload<MessageSchedulerContext>(() => new ConsumeMessageSchedulerContext(context, CreateScheduler));
        return next.Send(context);
    }

    private IMessageScheduler CreateScheduler(ConsumeContext context) =>
        new MessageScheduler(new DurableScheduleMessageProvider(store, context), context.GetPayload<IBusTopology>());
}
