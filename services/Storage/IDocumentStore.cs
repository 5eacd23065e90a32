namespace PatientExperience.Storage;

/// <summary>
/// One service's database: named collections of JSON documents with optimistic concurrency, and an outbox whose
/// messages are written in the same atomic write as the document that caused them.
/// </summary>
public interface IDocumentStore
{
    /// <summary>The service that owns this database (also its file or database name).</summary>
    string Name { get; }

    IDocumentCollection<T> Collection<T>(CollectionDefinition definition) where T : class;

    IOutbox Outbox { get; }

    /// <summary>Creates tables, collections and indexes. Idempotent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Answers whether the database can be reached, for the readiness check.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Inserts and replaces documents of one or several collections all together or not at all, each under the condition
    /// <see cref="IDocumentCollection{T}.WriteManyAsync"/> gives it (an insert needs its id and unique values free; a replace,
    /// its document still at the expected version), without outbox messages. For read models whose documents must agree with
    /// each other (a total and the entries it sums). SQLite commits them in one transaction; MongoDB in one multi-document
    /// transaction, which needs a replica set (as every deployment runs). (Collection, id) pairs must be distinct within a call.
    /// </summary>
    /// <returns>True when every write was applied (an insert at version 1, a replace at its expected version + 1); false when a
    /// condition failed, and then nothing was written.</returns>
    Task<bool> TryWriteAllAsync(IReadOnlyList<CollectionWrite> writes, CancellationToken cancellationToken);
}

/// <summary>
/// One write of <see cref="IDocumentStore.TryWriteAllAsync"/>: an insert into <paramref name="Collection"/> when
/// <paramref name="ExpectedVersion"/> is null, otherwise a replace of the document still at that version. The document is
/// stored as its runtime type serialises.
/// </summary>
public sealed record CollectionWrite(CollectionDefinition Collection, string Id, object Document, long? ExpectedVersion)
{
    internal DocumentWrite<object> AsDocumentWrite() => new(Id, Document, ExpectedVersion);
}

/// <summary>A collection's name and the fields queries filter and sort on (camelCase JSON paths, dots for nesting).</summary>
public sealed record CollectionDefinition(string Name)
{
    public IReadOnlyList<string> IndexedFields { get; init; } = [];

    /// <summary>Fields whose non-null values must be unique across the collection.</summary>
    public IReadOnlyList<string> UniqueFields { get; init; } = [];

    /// <summary>
    /// Indexes over several of the <see cref="IndexedFields"/> at once, in order: the fields queries compare for equality
    /// (or a list of values) first, then the one they range over. A query that filters a facility and a date range reads
    /// only the entries of that facility in that range, where one-field indexes make the database pick one field and read
    /// every document it matches.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> CompoundIndexes { get; init; } = [];

    internal IEnumerable<string> AllFields => UniqueFields.Concat(IndexedFields).Distinct(StringComparer.Ordinal);

    /// <summary>The first fields of the compound indexes: each is served by its compound index and needs none of its own.</summary>
    internal IEnumerable<string> CompoundLeaders => CompoundIndexes.Select(fields => fields[0]).Distinct(StringComparer.Ordinal);

    /// <summary>Refuses a compound index of fewer than two fields, or over a field that is not indexed (queries could not name it).</summary>
    internal void EnsureCompoundIndexesValid()
    {
        foreach (var fields in CompoundIndexes)
        {
            if (fields.Count < 2 || fields.Distinct(StringComparer.Ordinal).Count() != fields.Count)
                throw new ArgumentException($"A compound index of '{Name}' needs two or more distinct fields.");
            var unknown = fields.Except(AllFields, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0) throw new ArgumentException($"The compound index of '{Name}' names fields that are not indexed: {string.Join(", ", unknown)}.");
        }
    }
}

public interface IDocumentCollection<T> where T : class
{
    Task<Stored<T>?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Inserts a new document and its outbox messages atomically.</summary>
    /// <exception cref="DuplicateDocumentException">The id, or a unique field's value, is taken.</exception>
    Task<Stored<T>> InsertAsync(string id, T document, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken);

    /// <summary>Replaces a document if it is still at <paramref name="expectedVersion"/>, with its outbox messages, atomically.</summary>
    /// <exception cref="ConcurrencyConflictException">The document changed since it was read, or is gone.</exception>
    Task<Stored<T>> ReplaceAsync(string id, T document, long expectedVersion, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken);

    /// <summary>
    /// Removes a document: any version when <paramref name="expectedVersion"/> is null, otherwise only if it is still at that
    /// version. Outbox messages its earlier writes committed are not removed with it: they are still published.
    /// </summary>
    /// <returns>True if this call deleted the document; false if it was missing or, with a version, had changed.</returns>
    Task<bool> DeleteAsync(string id, long? expectedVersion, CancellationToken cancellationToken);

    /// <summary>The first document whose field equals the value (use an indexed field).</summary>
    Task<Stored<T>?> FindOneAsync(string field, object value, CancellationToken cancellationToken);

    Task<Page<Stored<T>>> QueryAsync(DocumentQuery query, CancellationToken cancellationToken);

    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>
    /// How many documents match the query's filters, per distinct combination of the values of <paramref name="groupBy"/>
    /// (indexed fields; sort and paging are ignored). For gauges and summaries: one aggregate query, no documents read.
    /// </summary>
    Task<IReadOnlyList<GroupCount>> CountByAsync(DocumentQuery query, IReadOnlyList<string> groupBy, CancellationToken cancellationToken);

    /// <summary>
    /// The ids of every document the query's filters match, in its sort order (then by id; paging is ignored), read from
    /// the index without reading the documents. For whole lists that are small by nature (an advocate's open cases), where
    /// only membership or a count per key matters.
    /// </summary>
    Task<IReadOnlyList<string>> ListIdsAsync(DocumentQuery query, CancellationToken cancellationToken);

    /// <summary>The documents among <paramref name="ids"/> that exist, in no particular order: one round trip for many reads.</summary>
    Task<IReadOnlyList<Stored<T>>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Many inserts and replaces in one round trip, each under its own condition as <see cref="InsertAsync"/> and
    /// <see cref="ReplaceAsync"/> have, without outbox messages (for read models and other documents that publish nothing).
    /// A write whose condition fails (an insert whose id or unique value is taken; a replace of a document changed or gone)
    /// is refused alone: the others are still applied. SQLite commits them in one transaction, MongoDB in one unordered bulk
    /// write. Ids must be distinct within a call.
    /// </summary>
    /// <returns>Per write, in order: the version it wrote, or null when it was refused.</returns>
    Task<IReadOnlyList<long?>> WriteManyAsync(IReadOnlyList<DocumentWrite<T>> writes, CancellationToken cancellationToken);
}

/// <summary>
/// One write of <see cref="IDocumentCollection{T}.WriteManyAsync"/>: an insert when <paramref name="ExpectedVersion"/> is
/// null, otherwise a replace of the document still at that version.
/// </summary>
public sealed record DocumentWrite<T>(string Id, T Document, long? ExpectedVersion) where T : class;

/// <summary>
/// A group of <see cref="IDocumentCollection{T}.CountByAsync"/>: the grouped fields' values in the order asked (as their JSON
/// scalar text: an enum's wire string, a number in invariant culture; null when absent) and how many documents have them.
/// </summary>
public sealed record GroupCount(IReadOnlyList<string?> Keys, long Count);

/// <summary>A document as stored: its id, its version (starts at 1, bumped by every replace) and its content.</summary>
public sealed record Stored<T>(string Id, long Version, T Document) where T : class;

public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total);

public sealed class DuplicateDocumentException(string collection, Exception? inner = null)
    : Exception($"A document with the same id or unique key already exists in '{collection}'.", inner);

public sealed class ConcurrencyConflictException(string collection, string id)
    : Exception($"Document '{id}' in '{collection}' was changed by someone else or no longer exists.");

/// <summary>A write of <see cref="IDocumentStore.TryWriteAllAsync"/> was refused: thrown inside its transaction, so it is rolled back.</summary>
internal sealed class WriteRefusedException : Exception;

internal static class DocumentWrites
{
    /// <summary>Refuses a <see cref="IDocumentCollection{T}.WriteManyAsync"/> call that writes one id twice (its outcome would depend on order).</summary>
    public static void EnsureDistinct<T>(IReadOnlyList<DocumentWrite<T>> writes) where T : class
    {
        var seen = new HashSet<string>(writes.Count, StringComparer.Ordinal);
        foreach (var write in writes)
        {
            if (!seen.Add(write.Id)) throw new ArgumentException($"Document '{write.Id}' is written twice in one call.", nameof(writes));
        }
    }

    /// <summary>Refuses a <see cref="IDocumentStore.TryWriteAllAsync"/> call that writes one document twice.</summary>
    public static void EnsureDistinct(IReadOnlyList<CollectionWrite> writes)
    {
        var seen = new HashSet<(string, string)>(writes.Count);
        foreach (var write in writes)
        {
            if (!seen.Add((write.Collection.Name, write.Id)))
                throw new ArgumentException($"Document '{write.Id}' of '{write.Collection.Name}' is written twice in one call.", nameof(writes));
        }
    }
}
