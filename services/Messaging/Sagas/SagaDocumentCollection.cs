using System.Linq.Expressions;
using MassTransit;
using PatientExperience.Storage;

namespace PatientExperience.Messaging.Sagas;

/// <summary>
/// The saga instances of one saga type in a service's document store, with optimistic concurrency: an instance is inserted at
/// version 1 (an insert of an existing id is a conflict) and replaced only while it is still at the version it was loaded at.
/// Every write also stores, atomically, the events the instance raised (<see cref="ISagaWithOutbox"/>). Conflicts throw
/// <see cref="SagaConcurrencyException"/>. This is the state the MassTransit repository works on; it is public so a service can
/// read its saga instances (for an API or a test) without going through a message.
/// </summary>
public sealed class SagaDocumentCollection<TSaga> where TSaga : class, ISagaVersion
{
    internal const string SagaField = "saga";

    private readonly IDocumentStore _store;
    private readonly IDocumentCollection<SagaDocument<TSaga>> _documents;
    private readonly Lock _gate = new();
    private Task? _created;

    /// <param name="store">The owning service's store.</param>
    /// <param name="definition">
    /// The collection's name and the fields queries may filter on, named relative to the saga's JSON (<c>caseId</c>, camelCase).
    /// The collection is registered with the store here and created on first use, so it need not be passed to
    /// <c>AddDocumentStore</c> (passing it there as well is harmless, but the field names would then be wrong: leave it to this).
    /// </param>
    public SagaDocumentCollection(IDocumentStore store, CollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(definition);
        _store = store;
        Definition = definition;
        StoredDefinition = new CollectionDefinition(definition.Name)
        {
            IndexedFields = [.. definition.IndexedFields.Select(f => $"{SagaField}.{f}")],
            UniqueFields = [.. definition.UniqueFields.Select(f => $"{SagaField}.{f}")],
        };
        _documents = store.Collection<SagaDocument<TSaga>>(StoredDefinition);
    }

    /// <summary>The definition as given: fields relative to the saga.</summary>
    public CollectionDefinition Definition { get; }

    /// <summary>The definition as the store sees it: fields under <c>saga.</c>.</summary>
    public CollectionDefinition StoredDefinition { get; }

    /// <summary>The owning service.</summary>
    public string ServiceName => _store.Name;

    /// <summary>
    /// Creates the collection and its indexes (the store's initialisation is idempotent). Run once before the bus starts and
    /// again, cheaply, before every operation, so an instance is never written to a table that does not exist yet.
    /// </summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var created = Volatile.Read(ref _created);
        if (created is { IsCompletedSuccessfully: true }) return Task.CompletedTask;
        lock (_gate)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled) _created = _store.InitializeAsync(CancellationToken.None);
            return _created.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The instance as stored, with <see cref="ISagaVersion.Version"/> set to its stored version; null if there is none.</summary>
    public async Task<TSaga?> LoadAsync(Guid correlationId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var stored = await _documents.GetAsync(Id(correlationId), cancellationToken);
        return stored is null ? null : await LiveOrNullAsync(stored, cancellationToken);
    }

    /// <summary>Inserts a new instance at version 1, with the events it raised.</summary>
    /// <exception cref="SagaConcurrencyException">An instance with this correlation id (or a unique field's value) exists.</exception>
    public async Task InsertAsync(TSaga saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        await EnsureCreatedAsync(cancellationToken);
        var events = TakeEvents(saga);
        saga.Version = 1;
        try
        {
            await _documents.InsertAsync(Id(saga.CorrelationId), new SagaDocument<TSaga> { Saga = saga }, events, cancellationToken);
        }
        catch (DuplicateDocumentException e)
        {
            saga.Version = 0;
            throw new SagaConcurrencyException($"Saga {TypeCache<TSaga>.ShortName} {saga.CorrelationId} already exists (or a unique field's value is taken).",
                typeof(TSaga), saga.CorrelationId, e);
        }
    }

    /// <summary>Replaces the instance if it is still at the version it was loaded at, bumping the version, with the events it raised.</summary>
    /// <exception cref="SagaConcurrencyException">The instance was changed or removed since it was loaded.</exception>
    public async Task UpdateAsync(TSaga saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        await ReplaceAsync(saga, TakeEvents(saga), completed: false, cancellationToken);
    }

    /// <summary>
    /// Removes a finalized instance if it is still at the version it was loaded at. The events its last transition raised are
    /// first stored with its final state (one atomic write), then the document is deleted; the outbox keeps the events.
    /// </summary>
    /// <exception cref="SagaConcurrencyException">The instance was changed or removed since it was loaded.</exception>
    public async Task DeleteAsync(TSaga saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        await EnsureCreatedAsync(cancellationToken);
        if (saga is ISagaWithOutbox { } withOutbox && HasEvents(withOutbox, out var events))
        {
            // The final state and its events in one write; then the delete, which leaves committed outbox messages in place.
            await ReplaceAsync(saga, events, completed: true, cancellationToken);
            await _documents.DeleteAsync(Id(saga.CorrelationId), saga.Version, cancellationToken);
            return;
        }

        if (!await _documents.DeleteAsync(Id(saga.CorrelationId), saga.Version, cancellationToken))
            throw Conflict(saga, "was changed or removed before it could be deleted");
    }

    /// <summary>
    /// An instance that finalized while it was being created (it never reached the store): stores the events it raised,
    /// then removes it again, so its events are not lost with it. Nothing is written when it raised none.
    /// </summary>
    public async Task StoreEventsOfDiscardedAsync(TSaga saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        if (saga is not ISagaWithOutbox withOutbox || !HasEvents(withOutbox, out var events)) return;
        await EnsureCreatedAsync(cancellationToken);
        saga.Version = 1;
        try
        {
            await _documents.InsertAsync(Id(saga.CorrelationId), new SagaDocument<TSaga> { Saga = saga, Completed = true }, events, cancellationToken);
        }
        catch (DuplicateDocumentException e)
        {
            throw new SagaConcurrencyException($"Saga {TypeCache<TSaga>.ShortName} {saga.CorrelationId} already exists.", typeof(TSaga), saga.CorrelationId, e);
        }

        await _documents.DeleteAsync(Id(saga.CorrelationId), 1, cancellationToken);
    }

    /// <summary>
    /// The instances matching a filter. Only filters the store can answer are translated (see <see cref="SagaQueryTranslator"/>):
    /// <c>CorrelationId == value</c>, and equality on fields of the collection definition, joined by <c>&amp;&amp;</c>.
    /// </summary>
    /// <exception cref="NotSupportedException">The filter has a part that cannot be translated.</exception>
    public async Task<IReadOnlyList<TSaga>> QueryAsync(Expression<Func<TSaga, bool>> filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var plan = SagaQueryTranslator.Translate(filter, Definition);
        await EnsureCreatedAsync(cancellationToken);
        var matches = filter.Compile();
        var found = new List<TSaga>();

        if (plan.CorrelationId is { } id)
        {
            if (await LoadAsync(id, cancellationToken) is { } saga && matches(saga)) found.Add(saga);
            return found;
        }

        var filters = plan.Filters.Select(f => f with { Field = $"{SagaField}.{f.Field}" }).ToList();
        for (var page = 1; ; page++)
        {
            var result = await _documents.QueryAsync(new DocumentQuery { Filters = filters, PageNumber = page, PageSize = DocumentQuery.MaxPageSize }, cancellationToken);
            foreach (var stored in result.Items)
            {
                // The store compares JSON values; the compiled filter has the last word (case, precision, conversions).
                if (await LiveOrNullAsync(stored, cancellationToken) is { } saga && matches(saga)) found.Add(saga);
            }

            if (result.Items.Count < DocumentQuery.MaxPageSize || (long)page * DocumentQuery.MaxPageSize >= result.Total) return found;
        }
    }

    /// <summary>How many documents the collection holds (live instances, plus any finalized leftover not yet removed).</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return await _documents.CountAsync(cancellationToken);
    }

    internal static string Id(Guid correlationId) => correlationId.ToString("D");

    private async Task ReplaceAsync(TSaga saga, IReadOnlyList<OutboxMessage> events, bool completed, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var expected = saga.Version;
        if (expected < 1) throw new InvalidOperationException($"Saga {TypeCache<TSaga>.ShortName} {saga.CorrelationId} was not loaded from the store (version {expected}).");
        saga.Version = expected + 1;
        try
        {
            await _documents.ReplaceAsync(Id(saga.CorrelationId), new SagaDocument<TSaga> { Saga = saga, Completed = completed ? true : null }, expected, events, cancellationToken);
        }
        catch (ConcurrencyConflictException e)
        {
            saga.Version = expected;
            throw Conflict(saga, $"was changed or removed since it was loaded at version {expected}", e);
        }
    }

    private async Task<TSaga?> LiveOrNullAsync(Stored<SagaDocument<TSaga>> stored, CancellationToken cancellationToken)
    {
        if (stored.Document.Completed == true)
        {
            // Finalized, its events stored, but the delete that follows did not happen (the process stopped): finish it.
            await _documents.DeleteAsync(stored.Id, stored.Version, cancellationToken);
            return null;
        }

        var saga = stored.Document.Saga;
        saga.Version = checked((int)stored.Version);
        return saga;
    }

    private static IReadOnlyList<OutboxMessage> TakeEvents(TSaga saga) =>
        saga is ISagaWithOutbox withOutbox ? withOutbox.TakePendingEvents() : [];

    private static bool HasEvents(ISagaWithOutbox saga, out IReadOnlyList<OutboxMessage> events)
    {
        events = saga.TakePendingEvents();
        return events.Count > 0;
    }

    private static SagaConcurrencyException Conflict(TSaga saga, string what, Exception? inner = null) =>
        inner is null
            ? new SagaConcurrencyException($"Saga {TypeCache<TSaga>.ShortName} {saga.CorrelationId} {what}.", typeof(TSaga), saga.CorrelationId)
            : new SagaConcurrencyException($"Saga {TypeCache<TSaga>.ShortName} {saga.CorrelationId} {what}.", typeof(TSaga), saga.CorrelationId, inner);
}
