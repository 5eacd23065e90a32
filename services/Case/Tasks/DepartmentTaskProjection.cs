using MassTransit;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Case;

namespace PatientExperience.Case.Tasks;

/// <summary>
/// Keeps the department task worklist and the tasks' timers in step with the cases. Chosen over writing the row in the
/// case's own write because the storage port's atomic write is one document (MongoDB without transactions): the case's task
/// events (<see cref="CaseTaskAssigned"/>, <see cref="CaseTaskCompleted"/>, <see cref="CaseTaskCancelled"/>) leave with the
/// case through its outbox, and this consumer re-reads the case and refreshes every task row of it, so it is idempotent and
/// order-free (a row only moves to a newer case version). Resolving, closing and reopening a case refresh its tasks too:
/// their timers stop with the case and start again when it reopens.
/// </summary>
public sealed class DepartmentTaskProjection(CaseStore cases, DepartmentTaskStore tasks, TaskTimers timers)
    : IConsumer<CaseTaskAssigned>, IConsumer<CaseTaskCompleted>, IConsumer<CaseTaskCancelled>,
      IConsumer<CaseResolved>, IConsumer<CaseClosed>, IConsumer<CaseReopened>
{
    public Task Consume(ConsumeContext<CaseTaskAssigned> context) => RefreshAsync(context, context.Message.CaseId);

    public Task Consume(ConsumeContext<CaseTaskCompleted> context) => RefreshAsync(context, context.Message.CaseId);

    public Task Consume(ConsumeContext<CaseTaskCancelled> context) => RefreshAsync(context, context.Message.CaseId);

    public Task Consume(ConsumeContext<CaseResolved> context) => RefreshAsync(context, context.Message.CaseId);

    public Task Consume(ConsumeContext<CaseClosed> context) => RefreshAsync(context, context.Message.CaseId);

    public Task Consume(ConsumeContext<CaseReopened> context) => RefreshAsync(context, context.Message.CaseId);

    private async Task RefreshAsync(ConsumeContext context, Guid caseId)
    {
        var ct = context.CancellationToken;
        var c = await cases.GetAsync(caseId, ct);
        if (c is null || c.Document.Tasks.Count == 0) return;
        foreach (var row in await tasks.RefreshAsync(c, ct)) await ApplyTimersAsync(context, row, ct);
    }

    /// <summary>Brings a task's timers in step with its row, starting from the row as this consumer read it (see <see cref="Timers.KeepInStepAsync{T}"/>).</summary>
    internal Task ApplyTimersAsync(ConsumeContext? context, DepartmentTask row, CancellationToken ct) =>
        Timers.KeepInStepAsync(row, r => timers.ApplyAsync(context, r), async () => (await tasks.GetAsync(row.Id, ct))?.Document, (a, b) => a == b);
}
