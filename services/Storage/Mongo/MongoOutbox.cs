using MongoDB.Bson;
using MongoDB.Driver;

namespace PatientExperience.Storage.Mongo;

/// <summary>Claims documents that carry unpublished messages by setting a lease on them, so several replicas never publish the same document's messages at once.</summary>
internal sealed class MongoOutbox(MongoDocumentStore store) : IOutbox
{
    public event Action? MessagesAdded;

    internal void RaiseAdded() => MessagesAdded?.Invoke();

    public async Task<IReadOnlyList<PendingOutboxMessage>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = new List<PendingOutboxMessage>();
        var now = DateTime.UtcNow;
        foreach (var name in store.CollectionNames)
        {
            var collection = store.Database.GetCollection<BsonDocument>(name);
            while (claimed.Count < max)
            {
                var filter = new BsonDocument
                {
                    { $"{MongoMapping.Outbox}.0", new BsonDocument("$exists", true) },
                    { "$or", new BsonArray { new BsonDocument(MongoMapping.OutboxLease, BsonNull.Value), new BsonDocument(MongoMapping.OutboxLease, new BsonDocument("$lt", now)) } },
                };
                var doc = await collection.FindOneAndUpdateAsync(
                    new BsonDocumentFilterDefinition<BsonDocument>(filter),
                    new BsonDocumentUpdateDefinition<BsonDocument>(new BsonDocument("$set", new BsonDocument(MongoMapping.OutboxLease, now + lease))),
                    new FindOneAndUpdateOptions<BsonDocument, BsonDocument>
                    {
                        Projection = new BsonDocument { { "_id", 1 }, { MongoMapping.Outbox, 1 } },
                        Sort = new BsonDocument($"{MongoMapping.Outbox}.0.createdAt", 1),
                        ReturnDocument = ReturnDocument.After,
                    },
                    cancellationToken);
                if (doc is null) break;
                foreach (var m in doc[MongoMapping.Outbox].AsBsonArray)
                {
                    claimed.Add(new PendingOutboxMessage(MongoMapping.OutboxFromBson(m.AsBsonDocument), name, doc["_id"].AsString));
                }
            }
        }

        return claimed;
    }

    public async Task MarkPublishedAsync(PendingOutboxMessage message, CancellationToken cancellationToken)
    {
        var collection = store.Database.GetCollection<BsonDocument>(message.Collection);
        await collection.UpdateOneAsync(
            new BsonDocument("_id", message.DocumentId),
            new BsonDocument("$pull", new BsonDocument(MongoMapping.Outbox, new BsonDocument("id", message.Message.Id.ToString()))),
            cancellationToken: cancellationToken);
        // Release the lease only once the document has nothing left to publish; otherwise it simply expires.
        if (message.Collection == MongoMapping.ParkedOutboxCollection)
        {
            // A deleted document's parked messages: the parking document goes once they are all published.
            await collection.DeleteOneAsync(
                new BsonDocument { { "_id", message.DocumentId }, { MongoMapping.Outbox, new BsonDocument("$size", 0) } }, cancellationToken);
            return;
        }

        await collection.UpdateOneAsync(
            new BsonDocument { { "_id", message.DocumentId }, { MongoMapping.Outbox, new BsonDocument("$size", 0) } },
            new BsonDocument("$unset", new BsonDocument(MongoMapping.OutboxLease, "")),
            cancellationToken: cancellationToken);
    }
}
