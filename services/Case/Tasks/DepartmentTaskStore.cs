using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tasks;

/// <param name="Facilities">The caller's facilities (null: all).</param>
/// <param name="OverdueAt">Only live tasks due before this instant.</param>
public sealed record TaskFilter(IReadOnlyList<string>? Facilities, string? DepartmentId, string? AssigneeId, CaseTaskStatus? Status, DateTimeOffset? OverdueAt);

/// <summary>
/// The department tasks port: the worklist's read model (<c>department_tasks</c>), one row per task, refreshed from the case
/// (the source of truth) whenever a task event of the case arrives. Refreshing is idempotent and order-free: a row only moves
/// to a newer case version, so duplicates, redeliveries and reordered events all end with the case's latest state.
/// </summary>
public sealed class DepartmentTaskStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("department_tasks")
    {
        IndexedFields = ["caseId", "facilityId", "departmentId", "assigneeId", "status", "caseStatus", "dueAt"],
    };

    private readonly IDocumentCollection<DepartmentTask> _tasks = store.Collection<DepartmentTask>(Definition);

    public Task<Stored<DepartmentTask>?> GetAsync(Guid taskId, CancellationToken ct) => _tasks.GetAsync(taskId.ToString(), ct);

    /// <summary>Brings every task row of the case up to the case as stored at <paramref name="c"/>; returns the rows as they now are.</summary>
    public async Task<IReadOnlyList<DepartmentTask>> RefreshAsync(Stored<CaseFile> c, CancellationToken ct)
    {
        var rows = new List<DepartmentTask>();
        foreach (var task in c.Document.Tasks) rows.Add(await RefreshAsync(c, task, ct));
        return rows;
    }

    private async Task<DepartmentTask> RefreshAsync(Stored<CaseFile> c, CaseTask task, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var existing = await _tasks.GetAsync(task.Id.ToString(), ct);
            if (existing is not null && existing.Document.CaseVersion >= c.Version) return existing.Document;
            var row = DepartmentTask.From(c.Document, c.Version, task, existing?.Document);
            try
            {
                if (existing is null) await _tasks.InsertAsync(task.Id.ToString(), row, [], ct);
                else await _tasks.ReplaceAsync(task.Id.ToString(), row, existing.Version, [], ct);
                return row;
            }
            catch (Exception e) when (e is DuplicateDocumentException or ConcurrencyConflictException && attempt < 10)
            {
                // Another refresh or a timer wrote the row meanwhile: read it again.
            }
        }
    }

    /// <summary>Records that a notice was sent, with the command that sends it in the same write.</summary>
    /// <exception cref="ConcurrencyConflictException">The row changed since it was read.</exception>
    public Task RecordNoticeAsync(Stored<DepartmentTask> row, TaskNoticeKind kind, object notice, DateTimeOffset now, CancellationToken ct) =>
        _tasks.ReplaceAsync(row.Id, row.Document.WithSent(kind, now), row.Version, [OutboxMessages.Create(notice, now)], ct);

    /// <summary>The worklist: soonest due first.</summary>
    public Task<Page<Stored<DepartmentTask>>> ListAsync(TaskFilter filter, int page, int pageSize, CancellationToken ct)
    {
        var filters = new List<FieldFilter>();
        if (filter.Facilities is { } facilities) filters.Add(FieldFilter.In("facilityId", facilities));
        if (filter.DepartmentId is { } department) filters.Add(FieldFilter.Eq("departmentId", department));
        if (filter.AssigneeId is { } assignee) filters.Add(FieldFilter.Eq("assigneeId", assignee));
        if (filter.Status is { } status) filters.Add(FieldFilter.Eq("status", status.ToWire()));
        if (filter.OverdueAt is { } now)
        {
            filters.Add(FieldFilter.Eq("status", CaseTaskStatus.Open.ToWire()));
            filters.Add(FieldFilter.In("caseStatus", CaseFile.OpenStatuses.Select(s => s.ToWire())));
            filters.Add(FieldFilter.Lt("dueAt", now));
        }

        return _tasks.QueryAsync(new DocumentQuery { Filters = filters, SortBy = "dueAt", PageNumber = page, PageSize = pageSize }, ct);
    }
}
