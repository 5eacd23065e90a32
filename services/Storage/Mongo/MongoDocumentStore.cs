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

    /// <summary>The registered collections and the one holding the unpublished messages of deleted documents: where the outbox looks.</summary>
    internal IEnumerable<string> CollectionNames => _collections.Keys.Append(MongoMapping.ParkedOutboxCollection);

    internal IMongoCollection<BsonDocument> ParkedOutbox => Database.GetCollection<BsonDocument>(MongoMapping.ParkedOutboxCollection);

    public IOutbox Outbox => _outbox;

    internal void RaiseAdded() => _outbox.RaiseAdded();

    public IDocumentCollection<T> Collection<T>(CollectionDefinition definition) where T : class
    {
        _collections.TryAdd(definition.Name, definition);
        return new MongoDocumentCollection<T>(this, definition, Database.GetCollection<BsonDocument>(definition.Name));
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        foreach (var definition in _collections.Values)
        {
            var collection = Database.GetCollection<BsonDocument>(definition.Name);
            var models = MongoMapping.IndexesFor(definition)
                .Select(i => new CreateIndexModel<BsonDocument>(i.Keys, i.Options))
                .Append(new CreateIndexModel<BsonDocument>(new BsonDocument("_outbox.0.createdAt", 1), new CreateIndexOptions { Name = "ix_outbox", Sparse = true }))
                .ToList();
            await collection.Indexes.CreateManyAsync(models, cancellationToken);
        }

        await ParkedOutbox.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(new BsonDocument("_outbox.0.createdAt", 1), new CreateIndexOptions { Name = "ix_outbox", Sparse = true }),
            cancellationToken: cancellationToken);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
        return true;
    }
}
