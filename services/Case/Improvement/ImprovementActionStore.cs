using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;

namespace PatientExperience.Case.Improvement;

/// <param name="Facilities">The caller's facilities (null: all).</param>
/// <param name="OverdueAt">Only open actions whose due date ended before this instant.</param>
public sealed record ImprovementActionFilter(
    IReadOnlyList<string>? Facilities, string? DepartmentId, ImprovementActionStatus? Status, string? OwnerId, string? Theme, DateTimeOffset? OverdueAt);

/// <summary>The improvement actions port: an action and the events it raises are one atomic write; optimistic concurrency on its version.</summary>
public sealed class ImprovementActionStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("improvement_actions")
    {
        UniqueFields = ["idempotencyKey"],
        IndexedFields = ["facilityId", "departmentId", "status", "ownerId", "theme", "dueAt"],
    };

    private readonly IDocumentCollection<ImprovementAction> _actions = store.Collection<ImprovementAction>(Definition);

    public Task<Stored<ImprovementAction>?> GetAsync(Guid id, CancellationToken ct) => _actions.GetAsync(id.ToString(), ct);

    public Task<Stored<ImprovementAction>?> FindByIdempotencyKeyAsync(string key, CancellationToken ct) => _actions.FindOneAsync("idempotencyKey", key, ct);

    /// <exception cref="DuplicateDocumentException">The idempotency key was used already.</exception>
    public Task<Stored<ImprovementAction>> InsertAsync(ImprovementAction action, CancellationToken ct) =>
        _actions.InsertAsync(action.Id.ToString(), action, [OutboxMessages.Create(action.ToProposedEvent(), action.CreatedAt)], ct);

    /// <exception cref="ConcurrencyConflictException">The action changed since <paramref name="expectedVersion"/>.</exception>
    public Task<Stored<ImprovementAction>> SaveAsync(ImprovementAction action, long expectedVersion, IReadOnlyList<object> messages, DateTimeOffset now, CancellationToken ct) =>
        _actions.ReplaceAsync(action.Id.ToString(), action, expectedVersion, messages.Select(m => OutboxMessages.Create(m, now)).ToList(), ct);

    /// <summary>Soonest due first.</summary>
    public Task<Page<Stored<ImprovementAction>>> ListAsync(ImprovementActionFilter filter, int page, int pageSize, CancellationToken ct)
    {
        var filters = new List<FieldFilter>();
        if (filter.Facilities is { } facilities) filters.Add(FieldFilter.In("facilityId", facilities));
        if (filter.DepartmentId is { } department) filters.Add(FieldFilter.Eq("departmentId", department));
        if (filter.Status is { } status) filters.Add(FieldFilter.Eq("status", status.ToWire()));
        if (filter.OwnerId is { } owner) filters.Add(FieldFilter.Eq("ownerId", owner));
        if (filter.Theme is { } theme) filters.Add(FieldFilter.Eq("theme", theme));
        if (filter.OverdueAt is { } now)
        {
            filters.Add(FieldFilter.In("status", ImprovementAction.OpenStatuses.Select(s => s.ToWire())));
            filters.Add(FieldFilter.Lt("dueAt", now));
        }

        return _actions.QueryAsync(new DocumentQuery { Filters = filters, SortBy = "dueAt", PageNumber = page, PageSize = pageSize }, ct);
    }
}
