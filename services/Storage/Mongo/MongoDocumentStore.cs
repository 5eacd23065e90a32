using System.Collections.Concurrent;
using MongoDB.Bson;
using MongoDB.Driver;

namespace PatientExperience.Storage.Mongo;

/// <summary>
/// The production adapter, a thin mirror of the SQLite one. Each document is <c>{_id, version, data, _outbox}</c>:
/// the outbox messages a write causes ride inside the document, so one single-document write is atomic without
/// multi-document transactions, and the relay pulls them out once published.
/// </summary>
public sealed class MongoDocumentStore : IDocumentStore
{
    private readonly ConcurrentDictionary<string, CollectionDefinition> _collections = new(StringComparer.Ordinal);
    private readonly MongoOutbox _outbox;

    public MongoDocumentStore(string name, IMongoDatabase database)
    {
        Name = name;
        Database = database;
        _outbox = new MongoOutbox(this);
    }

    public string Name { get; }

    internal IMongoDatabase Database { get; }

    internal TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The registered collections and the one holding the unpublished messages of deleted documents: where the outbox looks.</summary>
    internal IEnumerable<string> CollectionNames => _collections.Keys.Append(MongoMapping.ParkedOutboxCollection);

    internal IMongoCollection<BsonDocument> ParkedOutbox => Database.GetCollection<BsonDocument>(MongoMapping.ParkedOutboxCollection);

    public IOutbox Outbox => _outbox;

    internal void RaiseAdded() => _outbox.RaiseAdded();

    public IDocumentCollection<T> Collection<T>(CollectionDefinition definition) where T : class
    {
        definition.EnsureCompoundIndexesValid();
        _collections.TryAdd(definition.Name, definition);
        return new MongoDocumentCollection<T>(this, definition, Database.GetCollection<BsonDocument>(definition.Name));
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // TryWriteAllAsync needs transactions: refused at start-up, with the reason, rather than at the first projection.
        var hello = await Database.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken);
        if (MongoMapping.TransactionsUnavailable(hello) is { } reason) throw new InvalidOperationException($"The {Name} store's MongoDB {reason}");

        foreach (var definition in _collections.Values)
        {
            var collection = Database.GetCollection<BsonDocument>(definition.Name);
            var models = MongoMapping.IndexesFor(definition)
                .Select(i => new CreateIndexModel<BsonDocument>(i.Keys, i.Options))
                .ToList();
            await collection.Indexes.CreateManyAsync(models, cancellationToken);
            await PrepareOutboxAsync(collection, cancellationToken);
        }

        await PrepareOutboxAsync(ParkedOutbox, cancellationToken);
    }

    /// <summary>
    /// The claim's partial index, documents written by earlier versions marked pending, and the earlier sparse index (which the
    /// planner never used for the claim) dropped.
    /// </summary>
    private static async Task PrepareOutboxAsync(IMongoCollection<BsonDocument> collection, CancellationToken cancellationToken)
    {
        var (keys, options) = MongoMapping.OutboxIndex;
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(keys, options), cancellationToken: cancellationToken);
        await collection.UpdateManyAsync(MongoMapping.BackfillFilter,
            new PipelineUpdateDefinition<BsonDocument>(MongoMapping.BackfillPipeline), cancellationToken: cancellationToken);
        try
        {
            await collection.Indexes.DropOneAsync(MongoMapping.LegacyOutboxIndexName, cancellationToken);
        }
        catch (MongoCommandException e) when (e.CodeName == "IndexNotFound" || e.Code == 27)
        {
            // Never created, or already dropped.
        }
    }

    public async Task<bool> TryWriteAllAsync(IReadOnlyList<CollectionWrite> writes, CancellationToken cancellationToken)
    {
        DocumentWrites.EnsureDistinct(writes);
        if (writes.Count == 0) return true;
        var parts = writes.GroupBy(w => w.Collection.Name, StringComparer.Ordinal)
            .Select(g => (Collection: Database.GetCollection<BsonDocument>(g.Key), Writes: g.Select(w => w.AsDocumentWrite()).ToList()))
            .ToList();
        using var session = await Database.Client.StartSessionAsync(cancellationToken: cancellationToken);
        try
        {
            // The driver retries the whole callback on a transient error (another transaction wrote the same document first);
            // the retry then finds the version changed and refuses.
            return await session.WithTransactionAsync(async (s, token) =>
            {
                foreach (var (collection, part) in parts)
                {
                    var result = await collection.BulkWriteAsync(s, MongoMapping.WriteManyModels(part, token: null), new BulkWriteOptions { IsOrdered = true }, token);
                    if (result.MatchedCount != part.Count(w => w.ExpectedVersion is not null)) throw new WriteRefusedException();
                }

                return true;
            }, cancellationToken: cancellationToken);
        }
        catch (WriteRefusedException)
        {
            return false;
        }
        catch (MongoBulkWriteException<BsonDocument> e) when (e.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey) && e.WriteConcernError is null)
        {
            return false;
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
        return true;
    }
}
