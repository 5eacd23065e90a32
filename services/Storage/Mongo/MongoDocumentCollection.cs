using MongoDB.Bson;
using MongoDB.Driver;

namespace PatientExperience.Storage.Mongo;

internal sealed class MongoDocumentCollection<T>(MongoDocumentStore store, CollectionDefinition definition, IMongoCollection<BsonDocument> collection)
    : IDocumentCollection<T> where T : class
{
    private static readonly ProjectionDefinition<BsonDocument> WithoutOutbox = new BsonDocument(MongoMapping.Outbox, 0);
    private static readonly ProjectionDefinition<BsonDocument> IdOnly = new BsonDocument("_id", 1);

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
        var update = MongoMapping.ReplaceUpdate(next, outbox);
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

    public async Task<bool> DeleteAsync(string id, long? expectedVersion, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument("_id", id);
        if (expectedVersion is not null) filter[MongoMapping.Version] = expectedVersion.Value;

        // Usually nothing is left to publish: one single-document delete.
        var nothingPending = new BsonDocument(filter) { { $"{MongoMapping.Outbox}.0", new BsonDocument("$exists", false) } };
        if ((await collection.DeleteOneAsync(nothingPending, cancellationToken)).DeletedCount == 1) return true;

        // The document is missing, changed, or still carries unpublished messages. Those messages ride inside the document,
        // so they are first parked in a document of their own, then the document is deleted at the version read. A crash in
        // between publishes them twice, with the same ids, rather than never; a concurrent change unparks them and tries again.
        while (true)
        {
            var current = await collection.Find(filter).FirstOrDefaultAsync(cancellationToken);
            if (current is null) return false;

            var parked = MongoMapping.ParkedOutbox(definition.Name, id, current.GetValue(MongoMapping.Outbox, new BsonArray()).AsBsonArray);
            if (parked is not null) await store.ParkedOutbox.InsertOneAsync(parked, cancellationToken: cancellationToken);

            var deleted = await collection.DeleteOneAsync(
                new BsonDocument { { "_id", id }, { MongoMapping.Version, current[MongoMapping.Version] } }, cancellationToken);
            if (deleted.DeletedCount == 1) return true;
            if (parked is not null) await store.ParkedOutbox.DeleteOneAsync(new BsonDocument("_id", parked["_id"]), cancellationToken);
        }
    }

    public async Task<Stored<T>?> FindOneAsync(string field, object value, CancellationToken cancellationToken)
    {
        // One indexed lookup, without the count a page needs.
        var query = new DocumentQuery { Filters = [FieldFilter.Eq(field, value)], PageSize = 1 };
        query.Validate(definition);
        var doc = await collection.Find(MongoMapping.Filter(query)).Project(WithoutOutbox).Limit(1).FirstOrDefaultAsync(cancellationToken);
        return doc is null ? null : MongoMapping.FromBson<T>(doc);
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

    public async Task<IReadOnlyList<string>> ListIdsAsync(DocumentQuery query, CancellationToken cancellationToken)
    {
        query.Validate(definition);
        var docs = await collection.Find(MongoMapping.Filter(query)).Project(IdOnly).Sort(MongoMapping.Sort(query)).ToListAsync(cancellationToken);
        return [.. docs.Select(d => d["_id"].AsString)];
    }

    public async Task<IReadOnlyList<Stored<T>>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return [];
        var filter = new BsonDocument("_id", new BsonDocument("$in", new BsonArray(ids.Distinct(StringComparer.Ordinal))));
        var docs = await collection.Find(filter).Project(WithoutOutbox).ToListAsync(cancellationToken);
        return [.. docs.Select(MongoMapping.FromBson<T>)];
    }

    public async Task<IReadOnlyList<long?>> WriteManyAsync(IReadOnlyList<DocumentWrite<T>> writes, CancellationToken cancellationToken)
    {
        DocumentWrites.EnsureDistinct(writes);
        if (writes.Count == 0) return [];
        var token = ObjectId.GenerateNewId();
        var refused = new HashSet<int>();
        BulkWriteResult result;
        try
        {
            result = await collection.BulkWriteAsync(MongoMapping.WriteManyModels(writes, token), new BulkWriteOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException<BsonDocument> e) when (e.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey) && e.WriteConcernError is null)
        {
            foreach (var error in e.WriteErrors) refused.Add(error.Index);
            result = e.Result;
        }

        var replaces = Enumerable.Range(0, writes.Count).Where(i => writes[i].ExpectedVersion is not null && !refused.Contains(i)).ToList();
        if (result.MatchedCount < replaces.Count)
        {
            // Some replaces found their document changed or gone; the result does not say which: read back this call's token.
            var filter = new BsonDocument
            {
                { "_id", new BsonDocument("$in", new BsonArray(replaces.Select(i => writes[i].Id))) },
                { MongoMapping.WriteToken, token },
            };
            var applied = (await collection.Find(filter).Project(IdOnly).ToListAsync(cancellationToken)).Select(d => d["_id"].AsString).ToHashSet(StringComparer.Ordinal);
            foreach (var i in replaces) if (!applied.Contains(writes[i].Id)) refused.Add(i);
        }

        var versions = new long?[writes.Count];
        for (var i = 0; i < writes.Count; i++) versions[i] = refused.Contains(i) ? null : (writes[i].ExpectedVersion ?? 0) + 1;
        return versions;
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<GroupCount>> CountByAsync(DocumentQuery query, IReadOnlyList<string> groupBy, CancellationToken cancellationToken)
    {
        query.ValidateGrouping(definition, groupBy);
        var results = await collection.Aggregate(PipelineDefinition<BsonDocument, BsonDocument>.Create(MongoMapping.CountByStages(query, groupBy)),
            cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        return [.. results.Select(r => MongoMapping.GroupCountFromBson(r, groupBy.Count))];
    }
}
