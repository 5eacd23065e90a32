using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;

namespace PatientExperience.Storage.Mongo;

/// <summary>
/// How documents, outbox messages and queries map to BSON. Kept free of any server call so it is tested
/// without a MongoDB server, which the project's build machines cannot run.
/// </summary>
internal static class MongoMapping
{
    public const string Data = "data";
    public const string Version = "version";
    public const string Outbox = "_outbox";
    public const string OutboxLease = "_outboxLease";

    /// <summary>
    /// <c>true</c> while the document carries unpublished messages, absent otherwise: a top-level field the relay's claim filters
    /// on by equality, so the partial index <see cref="OutboxIndex"/> serves it (an <c>$exists</c> on an array element with a
    /// sparse index does not: the planner scans the collection).
    /// </summary>
    public const string OutboxPending = "_outboxPending";

    /// <summary>When the oldest of the document's unpublished messages was written: the relay claims oldest first.</summary>
    public const string OutboxSince = "_outboxSince";

    /// <summary>Where the relay keeps messages it can never publish, with the reason.</summary>
    public const string DeadLetterCollection = "__outbox_dead_letters";

    public static BsonDocument ToBson<T>(string id, long version, T document, IReadOnlyList<OutboxMessage> outbox)
    {
        var doc = new BsonDocument
        {
            { "_id", id },
            { Version, version },
            { Data, BsonDocument.Parse(JsonSerializer.Serialize(document, StoreJson.Options)) },
            { "updatedAt", DateTime.UtcNow },
            { Outbox, new BsonArray(outbox.Select(ToBson)) },
        };
        if (outbox.Count > 0)
        {
            doc[OutboxPending] = true;
            doc[OutboxSince] = outbox.Min(m => m.CreatedAt).UtcDateTime;
        }

        return doc;
    }

    /// <summary>
    /// Why the server that answered <c>hello</c> cannot run multi-document transactions (<see cref="IDocumentStore.TryWriteAllAsync"/>),
    /// or null when it can: a replica set member (it names its set) or a sharded cluster's router.
    /// </summary>
    public static string? TransactionsUnavailable(BsonDocument hello) =>
        hello.Contains("setName") || hello.GetValue("msg", BsonNull.Value) == "isdbgrid"
            ? null
            : "is a standalone server: multi-document transactions need a replica set (a one-member set will do; see docker-compose.yml).";

    /// <summary>
    /// The token a <see cref="IDocumentCollection{T}.WriteManyAsync"/> call leaves on what it wrote: a bulk write's result counts
    /// the replaces that matched but does not say which, so when some did not, the ones that did are read back by it.
    /// </summary>
    public const string WriteToken = "_writeToken";

    /// <summary>
    /// The requests of one bulk write for <see cref="IDocumentCollection{T}.WriteManyAsync"/> (with the call's token) or for one
    /// collection's part of <see cref="IDocumentStore.TryWriteAllAsync"/> (no token: a refusal aborts the whole transaction), in order.
    /// </summary>
    public static List<WriteModel<BsonDocument>> WriteManyModels<T>(IReadOnlyList<DocumentWrite<T>> writes, ObjectId? token) where T : class
    {
        var models = new List<WriteModel<BsonDocument>>(writes.Count);
        foreach (var write in writes)
        {
            if (write.ExpectedVersion is not { } expected)
            {
                var doc = ToBson(write.Id, 1, write.Document, []);
                if (token is { } t) doc[WriteToken] = t;
                models.Add(new InsertOneModel<BsonDocument>(doc));
            }
            else
            {
                var update = ReplaceUpdate(ToBson(write.Id, expected + 1, write.Document, []), []);
                if (token is { } t) update["$set"].AsBsonDocument[WriteToken] = t;
                models.Add(new UpdateOneModel<BsonDocument>(new BsonDocument { { "_id", write.Id }, { Version, expected } }, update));
            }
        }

        return models;
    }

    /// <summary>
    /// The update of a replace that adds messages: they are appended, the document is marked pending, and any lease a relay holds
    /// on it is released, so the new messages do not wait for the end of a lease taken before they were written (the relay that
    /// holds it still publishes what it claimed; a second relay would only find the new messages behind them, in order).
    /// </summary>
    public static BsonDocument ReplaceUpdate(BsonDocument next, IReadOnlyList<OutboxMessage> outbox)
    {
        var set = new BsonDocument { { Data, next[Data] }, { Version, next[Version] }, { "updatedAt", next["updatedAt"] } };
        if (outbox.Count == 0) return new BsonDocument("$set", set);
        set[OutboxPending] = true;
        return new BsonDocument
        {
            { "$set", set },
            { "$push", new BsonDocument(Outbox, new BsonDocument("$each", next[Outbox])) },
            { "$min", new BsonDocument(OutboxSince, next[OutboxSince]) },
        };
    }

    /// <summary>What a relay may claim at <paramref name="now"/>: documents with pending messages and no live lease.</summary>
    public static BsonDocument ClaimFilter(DateTime now) => new()
    {
        { OutboxPending, true },
        { "$or", new BsonArray { new BsonDocument(OutboxLease, BsonNull.Value), new BsonDocument(OutboxLease, new BsonDocument("$lt", now)) } },
    };

    public static readonly BsonDocument ClaimSort = new(OutboxSince, 1);

    /// <summary>
    /// The index of the claim: only documents with pending messages are in it (partial on <c>_outboxPending: true</c>), keyed by
    /// the claim's equality then its sort, so the index stays as small as the backlog and the claim reads it in order.
    /// </summary>
    public static (BsonDocument Keys, CreateIndexOptions<BsonDocument> Options) OutboxIndex => (
        new BsonDocument { { OutboxPending, 1 }, { OutboxSince, 1 } },
        new CreateIndexOptions<BsonDocument> { Name = "ix_outbox_pending", PartialFilterExpression = new BsonDocument(OutboxPending, true) });

    /// <summary>The index the earlier versions created; dropped at start-up.</summary>
    public const string LegacyOutboxIndexName = "ix_outbox";

    /// <summary>Once the last message is pulled: the document leaves the claim's index and any lease ends.</summary>
    public static readonly BsonDocument NothingPendingFilterPart = new(Outbox, new BsonDocument("$size", 0));

    public static readonly BsonDocument ClearPending = new("$unset", new BsonDocument { { OutboxPending, "" }, { OutboxSince, "" }, { OutboxLease, "" } });

    /// <summary>Documents written by earlier versions carry messages but no <see cref="OutboxPending"/>: marks them at start-up.</summary>
    public static readonly BsonDocument BackfillFilter = new()
    {
        { $"{Outbox}.0", new BsonDocument("$exists", true) },
        { OutboxPending, new BsonDocument("$exists", false) },
    };

    public static readonly BsonDocument[] BackfillPipeline =
    [
        new("$set", new BsonDocument
        {
            { OutboxPending, true },
            // The last write's time: no later than the messages' own, and a date already (theirs are strings).
            { OutboxSince, "$updatedAt" },
        }),
    ];

    public static BsonDocument DeadLetter(PendingOutboxMessage message, string reason, DateTime at) => new()
    {
        { "_id", message.Message.Id.ToString() },
        { "collection", message.Collection },
        { "documentId", message.DocumentId },
        { "message", ToBson(message.Message) },
        { "reason", reason },
        { "deadLetteredAt", at },
    };

    public static DeadLetteredOutboxMessage DeadLetterFromBson(BsonDocument b) => new(
        OutboxFromBson(b["message"].AsBsonDocument), b["collection"].AsString, b["documentId"].AsString, b["reason"].AsString,
        new DateTimeOffset(b["deadLetteredAt"].ToUniversalTime(), TimeSpan.Zero));

    /// <summary>
    /// Where the unpublished outbox messages of deleted documents wait for the relay: one document per deletion, shaped like a
    /// stored document without data. The name starts with "__", which collection definitions may not.
    /// </summary>
    public const string ParkedOutboxCollection = "__outbox_of_deleted";

    /// <summary>A parking document for the pending messages of a document being deleted, or null when it has none.</summary>
    public static BsonDocument? ParkedOutbox(string collection, string documentId, BsonArray pending) => pending.Count == 0 ? null : new()
    {
        { "_id", $"{collection}/{documentId}/{Guid.NewGuid():N}" },
        { "collection", collection },
        { "documentId", documentId },
        { Outbox, pending },
        { OutboxPending, true },
        { OutboxSince, DateTime.UtcNow },
    };

    public static Stored<T> FromBson<T>(BsonDocument doc) where T : class
    {
        var json = doc[Data].AsBsonDocument.ToJson(new MongoDB.Bson.IO.JsonWriterSettings { OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson });
        return new Stored<T>(doc["_id"].AsString, doc[Version].ToInt64(), JsonSerializer.Deserialize<T>(json, StoreJson.Options)!);
    }

    /// <summary>
    /// The outbox backlog of one collection: its pending documents (through the partial index), their message count and the
    /// earliest message timestamp (fixed-width UTC strings, so the minimum is the earliest). One result document, or none.
    /// </summary>
    public static readonly BsonDocument[] BacklogStages =
    [
        new("$match", new BsonDocument(OutboxPending, true)),
        new("$project", new BsonDocument
        {
            { "n", new BsonDocument("$size", "$" + Outbox) },
            { "oldest", new BsonDocument("$min", "$" + Outbox + ".createdAt") },
        }),
        new("$group", new BsonDocument
        {
            { "_id", BsonNull.Value },
            { "pending", new BsonDocument("$sum", "$n") },
            { "oldest", new BsonDocument("$min", "$oldest") },
        }),
    ];

    /// <summary>The count per group of <see cref="IDocumentCollection{T}.CountByAsync"/>: the query's filter, then one group per combination (keys k0, k1 ...).</summary>
    public static BsonDocument[] CountByStages(DocumentQuery query, IReadOnlyList<string> groupBy)
    {
        var key = new BsonDocument();
        for (var i = 0; i < groupBy.Count; i++) key[$"k{i}"] = "$data." + groupBy[i];
        return
        [
            new("$match", Filter(query)),
            new("$group", new BsonDocument { { "_id", key }, { "count", new BsonDocument("$sum", 1) } }),
        ];
    }

    public static GroupCount GroupCountFromBson(BsonDocument result, int keys)
    {
        var id = result["_id"].AsBsonDocument;
        var values = new string?[keys];
        for (var i = 0; i < keys; i++)
        {
            values[i] = id.TryGetValue($"k{i}", out var v) && !v.IsBsonNull
                ? v.IsString ? v.AsString : v.IsBoolean ? (v.AsBoolean ? "1" : "0") : Convert.ToString(BsonTypeMapper.MapToDotNetValue(v), System.Globalization.CultureInfo.InvariantCulture)
                : null;
        }

        return new GroupCount(values, result["count"].ToInt64());
    }

    public static BsonDocument ToBson(OutboxMessage m) => new()
    {
        { "id", m.Id.ToString() },
        { "type", m.MessageType },
        { "payload", m.Payload },
        { "headers", new BsonDocument(m.Headers.ToDictionary(h => h.Key, h => (object)h.Value)) },
        { "createdAt", SqliteCompatibleTimestamp(m.CreatedAt) },
    };

    public static OutboxMessage OutboxFromBson(BsonDocument b) => new(
        Guid.Parse(b["id"].AsString),
        b["type"].AsString,
        b["payload"].AsString,
        b["headers"].AsBsonDocument.Elements.ToDictionary(e => e.Name, e => e.Value.AsString),
        DateTimeOffset.Parse(b["createdAt"].AsString, System.Globalization.CultureInfo.InvariantCulture));

    private static string SqliteCompatibleTimestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The filter for a query: every field lives under <c>data.</c>.</summary>
    public static BsonDocument Filter(DocumentQuery query)
    {
        var and = new BsonArray();
        foreach (var f in query.Filters)
        {
            var path = $"{Data}.{f.Field}";
            BsonValue condition = f.Operator switch
            {
                FilterOperator.Equal => Scalar(f.Value),
                FilterOperator.In => new BsonDocument("$in", new BsonArray(((IEnumerable<object>)f.Value).Select(Scalar))),
                FilterOperator.GreaterThanOrEqual => new BsonDocument("$gte", Scalar(f.Value)),
                FilterOperator.LessThan => new BsonDocument("$lt", Scalar(f.Value)),
                // {$in: [null, v]} matches a field that is absent, null or v.
                FilterOperator.MissingOrEqual => new BsonDocument("$in", new BsonArray { BsonNull.Value, Scalar(f.Value) }),
                _ => throw new ArgumentOutOfRangeException(nameof(query)),
            };
            and.Add(new BsonDocument(path, condition));
        }

        return and.Count switch
        {
            0 => [],
            1 => and[0].AsBsonDocument,
            _ => new BsonDocument("$and", and),
        };
    }

    public static BsonDocument Sort(DocumentQuery query) => query.SortBy is null
        ? new BsonDocument("_id", 1)
        : new BsonDocument { { $"{Data}.{query.SortBy}", query.Descending ? -1 : 1 }, { "_id", 1 } };

    public static IEnumerable<(BsonDocument Keys, CreateIndexOptions Options)> IndexesFor(CollectionDefinition definition)
    {
        foreach (var f in definition.UniqueFields)
        {
            yield return (new BsonDocument($"{Data}.{f}", 1), new CreateIndexOptions<BsonDocument>
            {
                Name = $"ux_{f.Replace('.', '_')}",
                Unique = true,
                // Missing values are not unique keys, as in SQLite where NULLs never collide.
                PartialFilterExpression = new BsonDocument($"{Data}.{f}", new BsonDocument("$exists", true)),
            });
        }

        foreach (var f in definition.IndexedFields.Except(definition.UniqueFields).Except(definition.CompoundLeaders))
        {
            yield return (new BsonDocument($"{Data}.{f}", 1), new CreateIndexOptions { Name = $"ix_{f.Replace('.', '_')}" });
        }

        foreach (var fields in definition.CompoundIndexes)
        {
            var keys = new BsonDocument();
            foreach (var f in fields) keys.Add($"{Data}.{f}", 1);
            yield return (keys, new CreateIndexOptions { Name = $"cx_{string.Join("__", fields.Select(f => f.Replace('.', '_')))}" });
        }
    }

    private static BsonValue Scalar(object value) => StoreJson.ToJsonScalar(value) switch
    {
        null => BsonNull.Value,
        string s => new BsonString(s),
        bool b => new BsonBoolean(b),
        long l => new BsonInt64(l),
        double d => new BsonDouble(d),
        var other => BsonValue.Create(other),
    };
}
