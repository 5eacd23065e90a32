using MassTransit;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Tasks;

/// <summary>
/// A department task's reminder or overdue timer fell due. The task is read again from its case (the source of truth): a task
/// done or cancelled, a case resolved or closed, a due date changed or a notice already sent means nothing is sent. Otherwise
/// the row records the notice and the <see cref="Contracts.Notification.SendNotification"/> command goes into the outbox in the
/// same write, so a timer that fires twice, or two replicas at once, notify once (the loser's write conflicts and its retry
/// finds the notice sent).
/// </summary>
public sealed partial class TaskNoticeDueConsumer(
    CaseStore cases, DepartmentTaskStore tasks, TaskNotices notices, TimeProvider clock, ILogger<TaskNoticeDueConsumer> logger) : IConsumer<TaskNoticeDue>
{
    public async Task Consume(ConsumeContext<TaskNoticeDue> context)
    {
        var due = context.Message;
        var ct = context.CancellationToken;
        var c = await cases.GetAsync(due.CaseId, ct);
        if (c is null) return;
        await tasks.RefreshAsync(c, ct);
        var row = await tasks.GetAsync(due.TaskId, ct);
        if (row is null || !row.Document.IsLive || row.Document.DueAt != due.DueAt || row.Document.SentAt(due.Kind) is not null)
        {
            LogNotSent(logger, due.Kind.ToWire(), due.TaskId);
            return;
        }

        var now = clock.GetUtcNow();
        var notice = await notices.ForAsync(row.Document, due.Kind, c.Document.Severity, now, ct);
        await tasks.RecordNoticeAsync(row, due.Kind, notice, now, ct);
        CaseTelemetry.TaskNotices.Add(1, new KeyValuePair<string, object?>("kind", due.Kind.ToWire()));
        LogSent(logger, due.Kind.ToWire(), due.TaskId, notice.Recipients.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "No {Kind} for task {TaskId}: done, cancelled, its case closed, its due date changed or already sent")]
    private static partial void LogNotSent(ILogger logger, string kind, Guid taskId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: {Kind} notice to {Recipients} recipient(s)")]
    private static partial void LogSent(ILogger logger, string kind, Guid taskId, int recipients);
}
