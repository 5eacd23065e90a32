using System.Collections.Concurrent;
using MassTransit;

namespace PatientExperience.Scheduling.Tests;

/// <summary>A reminder a service schedules for itself; it carries what a body must keep: instants, nesting, text.</summary>
public sealed record ReminderDue(Guid ReminderId, string Note, DateTimeOffset DueAt, ReminderTarget Target);

public sealed record ReminderTarget(string Unit, int EscalationLevel, IReadOnlyList<string> Roles);

/// <summary>A reminder as its consumer received it.</summary>
public sealed record ReceivedReminder(ReminderDue Message, Guid? MessageId, Guid? TokenId, Guid? CorrelationId, string? Reason, DateTimeOffset ReceivedAt);

/// <summary>What the consumers, the saga and the bus saw; shared by the hosts of one test.</summary>
public sealed class SchedulingRecorder
{
    public ConcurrentQueue<ReceivedReminder> Reminders { get; } = new();

    /// <summary>Every message any consumer or saga finished consuming, by message id.</summary>
    public ConcurrentQueue<(Guid? MessageId, Type MessageType)> Consumed { get; } = new();

    public ConcurrentQueue<(Guid GrievanceId, Guid? TokenId)> DeadlinesScheduled { get; } = new();

    public ConcurrentQueue<(Guid GrievanceId, Guid? TokenId)> Breaches { get; } = new();

    public void Scheduled(Guid grievanceId, Guid? tokenId) => DeadlinesScheduled.Enqueue((grievanceId, tokenId));

    public void Breached(Guid grievanceId, Guid? tokenId) => Breaches.Enqueue((grievanceId, tokenId));

    public bool HasConsumed(Guid messageId) => Consumed.Any(c => c.MessageId == messageId);
}

public sealed class ReminderConsumer(SchedulingRecorder recorder, TimeProvider time) : IConsumer<ReminderDue>
{
    public const string Queue = "sched-reminders";

    public Task Consume(ConsumeContext<ReminderDue> context)
    {
        recorder.Reminders.Enqueue(new ReceivedReminder(
            context.Message, context.MessageId, context.GetSchedulingTokenId(), context.CorrelationId,
            context.Headers.Get<string>("x-reason"), time.GetUtcNow()));
        return Task.CompletedTask;
    }
}

/// <summary>Records every message consumed on the bus, so a test can wait until a message it expects to be ignored was handled.</summary>
public sealed class RecordingConsumeObserver(SchedulingRecorder recorder) : IConsumeObserver
{
    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        recorder.Consumed.Enqueue((context.MessageId, typeof(T)));
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
