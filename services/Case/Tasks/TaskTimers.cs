using MassTransit;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Tasks;

/// <summary>The internal timer of a department task's notice: scheduled durably, consumed by <see cref="TaskNoticeDueConsumer"/>. Ids only.</summary>
public sealed record TaskNoticeDue
{
    public required Guid TaskId { get; init; }
    public required Guid CaseId { get; init; }
    public required TaskNoticeKind Kind { get; init; }
    /// <summary>The due date the timer was set for; a task whose due date differs when it fires is not told about.</summary>
    public required DateTimeOffset DueAt { get; init; }
    /// <summary>The scheduling token (<see cref="DepartmentTask.TimerTokenFor"/>): scheduling the same timer again replaces it.</summary>
    public Guid TokenId { get; init; }
}

/// <summary>
/// Puts a department task's reminder and overdue timers on the platform's durable scheduler, or takes them off. Both are
/// keyed by deterministic tokens, so setting them again (a redelivered event) replaces rather than adds, and a task done,
/// cancelled or whose case is resolved or closed has its timers cancelled. The consumer checks the task again when a timer
/// fires, so a timer that escaped cancellation still tells no one.
/// </summary>
public sealed class TaskTimers(Timers timers, IOptions<TasksOptions> options)
{
    public const string Queue = "case-task-notice-due";

    private static readonly Uri Destination = new($"queue:{Queue}");

    public async Task ApplyAsync(ConsumeContext? context, DepartmentTask task)
    {
        foreach (var kind in Wire.Values<TaskNoticeKind>())
        {
            var at = kind == TaskNoticeKind.Reminder ? task.ReminderAt(options.Value.ReminderLead) : task.DueAt;
            var token = DepartmentTask.TimerTokenFor(task.Id, kind);
            if (task.IsLive && at is { } due && task.SentAt(kind) is null)
                await timers.ScheduleAsync(context, Destination, due, new TaskNoticeDue { TaskId = task.Id, CaseId = task.CaseId, Kind = kind, DueAt = task.DueAt, TokenId = token });
            else if (!task.IsLive)
                await timers.CancelAsync(context, Destination, token);
        }
    }
}
