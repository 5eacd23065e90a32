using System.Collections.Concurrent;
using MongoDB.Bson;
using MongoDB.Driver;

namespace PatientExperience.Storage.Mongo;

/// <summary>
/// Claims documents that carry unpublished messages by setting a lease on them, so several replicas never publish the same
/// document's messages at once. The claim filters on the top-level <c>_outboxPending</c> flag through a partial index. When this
/// relay has published (or dead-lettered) every message it claimed from a document, it releases the lease at once, also when
/// new messages arrived meanwhile, so they go out now rather than at the end of the lease.
/// </summary>
internal sealed class MongoOutbox(MongoDocumentStore store) : IOutbox
{
    /// <summary>What this relay still has to finish of each document it claimed, and the lease it holds on it.</summary>
    private readonly ConcurrentDictionary<(string Collection, string DocumentId), Claim> _claims = new();

    public event Action? MessagesAdded;

    internal void RaiseAdded() => MessagesAdded?.Invoke();

    public async Task<IReadOnlyList<PendingOutboxMessage>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = new List<PendingOutboxMessage>();
        var now = store.Clock.GetUtcNow().UtcDateTime;
        var until = now + lease;
        foreach (var name in store.CollectionNames)
        {
            var collection = store.Database.GetCollection<BsonDocument>(name);
            while (claimed.Count < max)
            {
                var doc = await collection.FindOneAndUpdateAsync(
                    new BsonDocumentFilterDefinition<BsonDocument>(MongoMapping.ClaimFilter(now)),
                    new BsonDocumentUpdateDefinition<BsonDocument>(new BsonDocument("$set", new BsonDocument(MongoMapping.OutboxLease, until))),
                    new FindOneAndUpdateOptions<BsonDocument, BsonDocument>
                    {
                        Projection = new BsonDocument { { "_id", 1 }, { MongoMapping.Outbox, 1 } },
                        Sort = MongoMapping.ClaimSort,
                        ReturnDocument = ReturnDocument.After,
                    },
                    cancellationToken);
                if (doc is null) break;
                var messages = doc[MongoMapping.Outbox].AsBsonArray;
                var id = doc["_id"].AsString;
                if (messages.Count == 0)
                {
                    // Marked pending but emptied meanwhile: take it out of the claim's index.
                    await ClearIfEmptyAsync(collection, id, cancellationToken);
                    continue;
                }

                _claims[(name, id)] = new Claim(until, messages.Count);
                foreach (var m in messages)
                {
                    claimed.Add(new PendingOutboxMessage(MongoMapping.OutboxFromBson(m.AsBsonDocument), name, id));
                }
            }
        }

        return claimed;
    }

    /// <summary>Each message is pulled from its own document (a document's outbox is an array in it), one update each.</summary>
    public async Task MarkPublishedAsync(IReadOnlyList<PendingOutboxMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages) await MarkPublishedAsync(message, cancellationToken);
    }

    public async Task MarkPublishedAsync(PendingOutboxMessage message, CancellationToken cancellationToken)
    {
        var collection = store.Database.GetCollection<BsonDocument>(message.Collection);
        await collection.UpdateOneAsync(
            new BsonDocument("_id", message.DocumentId),
            new BsonDocument("$pull", new BsonDocument(MongoMapping.Outbox, new BsonDocument("id", message.Message.Id.ToString()))),
            cancellationToken: cancellationToken);
        if (message.Collection == MongoMapping.ParkedOutboxCollection)
        {
            // A deleted document's parked messages: the parking document goes once they are all published.
            await collection.DeleteOneAsync(
                new BsonDocument { { "_id", message.DocumentId }, { MongoMapping.Outbox, new BsonDocument("$size", 0) } }, cancellationToken);
        }
        else
        {
            await ClearIfEmptyAsync(collection, message.DocumentId, cancellationToken);
        }

        await FinishedOneAsync(collection, message, cancellationToken);
    }

    public async Task ReleaseAsync(IReadOnlyList<PendingOutboxMessage> messages, DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        foreach (var document in messages.GroupBy(m => (m.Collection, m.DocumentId)))
        {
            if (!_claims.TryRemove(document.Key, out var claim)) continue;
            var collection = store.Database.GetCollection<BsonDocument>(document.Key.Collection);
            // Only the lease this relay holds: another relay may have taken the document after it ended.
            await collection.UpdateOneAsync(
                new BsonDocument { { "_id", document.Key.DocumentId }, { MongoMapping.OutboxLease, claim.Until } },
                new BsonDocument("$set", new BsonDocument(MongoMapping.OutboxLease, retryAt.UtcDateTime)),
                cancellationToken: cancellationToken);
        }
    }

    public async Task DeadLetterAsync(PendingOutboxMessage message, string reason, CancellationToken cancellationToken)
    {
        // Kept first, removed second: a crash in between leaves it in both (idempotent by its id), never in neither.
        try
        {
            await store.Database.GetCollection<BsonDocument>(MongoMapping.DeadLetterCollection)
                .InsertOneAsync(MongoMapping.DeadLetter(message, reason, store.Clock.GetUtcNow().UtcDateTime), cancellationToken: cancellationToken);
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // Dead-lettered before.
        }

        await MarkPublishedAsync(message, cancellationToken);
    }

    public async Task<IReadOnlyList<DeadLetteredOutboxMessage>> DeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        var docs = await store.Database.GetCollection<BsonDocument>(MongoMapping.DeadLetterCollection)
            .Find(new BsonDocument()).Sort(new BsonDocument("deadLetteredAt", -1)).Limit(max).ToListAsync(cancellationToken);
        return [.. docs.Select(MongoMapping.DeadLetterFromBson)];
    }

    public async Task<OutboxBacklog> BacklogAsync(CancellationToken cancellationToken)
    {
        long pending = 0;
        string? oldest = null;
        foreach (var name in store.CollectionNames)
        {
            var result = await store.Database.GetCollection<BsonDocument>(name)
                .Aggregate(PipelineDefinition<BsonDocument, BsonDocument>.Create(MongoMapping.BacklogStages), cancellationToken: cancellationToken)
                .FirstOrDefaultAsync(cancellationToken);
            if (result is null) continue;
            pending += result["pending"].ToInt64();
            if (result["oldest"] is { IsString: true } o && (oldest is null || string.CompareOrdinal(o.AsString, oldest) < 0)) oldest = o.AsString;
        }

        return pending == 0 || oldest is null
            ? new OutboxBacklog(pending, null)
            : new OutboxBacklog(pending, DateTimeOffset.Parse(oldest, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static Task ClearIfEmptyAsync(IMongoCollection<BsonDocument> collection, string id, CancellationToken cancellationToken) =>
        collection.UpdateOneAsync(
            new BsonDocument(MongoMapping.NothingPendingFilterPart) { { "_id", id } }, MongoMapping.ClearPending, cancellationToken: cancellationToken);

    /// <summary>After the last message this relay claimed from a document: releases its lease, so messages written since go out now.</summary>
    private async Task FinishedOneAsync(IMongoCollection<BsonDocument> collection, PendingOutboxMessage message, CancellationToken cancellationToken)
    {
        var key = (message.Collection, message.DocumentId);
        if (!_claims.TryGetValue(key, out var claim) || Interlocked.Decrement(ref claim.Remaining) > 0) return;
        _claims.TryRemove(key, out _);
        await collection.UpdateOneAsync(
            new BsonDocument { { "_id", message.DocumentId }, { MongoMapping.OutboxLease, claim.Until } },
            new BsonDocument("$unset", new BsonDocument(MongoMapping.OutboxLease, "")),
            cancellationToken: cancellationToken);
        RaiseAdded();
    }

    private sealed class Claim(DateTime until, int remaining)
    {
        public DateTime Until { get; } = until;
        public int Remaining = remaining;
    }
}
