using MongoDB.Bson;
using MongoDB.Driver;

namespace PatientExperience.Storage.Mongo;

internal sealed class MongoDocumentCollection<T>(MongoDocumentStore store, CollectionDefinition definition, IMongoCollection<BsonDocument> collection)
    : IDocumentCollection<T> where T : class
{
    private static readonly ProjectionDefinition<BsonDocument> WithoutOutbox = new BsonDocument(MongoMapping.Outbox, 0);

    public async Task<Stored<T>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var doc = await collection.Find(new BsonDocument("_id", id)).Project(WithoutOutbox).FirstOrDefaultAsync(cancellationToken);
        return doc is null ? null : MongoMapping.FromBson<T>(doc);
    }

    public async Task<Stored<T>> InsertAsync(string id, T document, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken)
    {
        try
        {
            await collection.InsertOneAsync(MongoMapping.ToBson(id, 1, document, outbox), cancellationToken: cancellationToken);
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new DuplicateDocumentException(definition.Name, e);
        }

        if (outbox.Count > 0) store.RaiseAdded();
        return new Stored<T>(id, 1, document);
    }

    public async Task<Stored<T>> ReplaceAsync(string id, T document, long expectedVersion, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken)
    {
        var next = MongoMapping.ToBson(id, expectedVersion + 1, document, outbox);
        var update = new BsonDocument
        {
            { "$set", new BsonDocument { { MongoMapping.Data, next[MongoMapping.Data] }, { MongoMapping.Version, expectedVersion + 1 }, { "updatedAt", next["updatedAt"] } } },
            { "$push", new BsonDocument(MongoMapping.Outbox, new BsonDocument("$each", next[MongoMapping.Outbox])) },
        };
        UpdateResult result;
        try
        {
            result = await collection.UpdateOneAsync(
                new BsonDocument { { "_id", id }, { MongoMapping.Version, expectedVersion } }, update, cancellationToken: cancellationToken);
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new DuplicateDocumentException(definition.Name, e);
        }

        if (result.ModifiedCount != 1) throw new ConcurrencyConflictException(definition.Name, id);
        if (outbox.Count > 0) store.RaiseAdded();
        return new Stored<T>(id, expectedVersion + 1, document);
    }

    public async Task<Stored<T>?> FindOneAsync(string field, object value, CancellationToken cancellationToken)
    {
        var page = await QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq(field, value)], PageSize = 1 }, cancellationToken);
        return page.Items.Count > 0 ? page.Items[0] : null;
    }

    public async Task<Page<Stored<T>>> QueryAsync(DocumentQuery query, CancellationToken cancellationToken)
    {
        query.Validate(definition);
        var filter = MongoMapping.Filter(query);
        var total = await collection.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        var docs = await collection.Find(filter).Project(WithoutOutbox).Sort(MongoMapping.Sort(query))
            .Skip(query.Skip).Limit(query.PageSize).ToListAsync(cancellationToken);
        return new Page<Stored<T>>(docs.Select(MongoMapping.FromBson<T>).ToList(), query.PageNumber, query.PageSize, total);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: cancellationToken);
}
