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

    public static BsonDocument ToBson<T>(string id, long version, T document, IReadOnlyList<OutboxMessage> outbox) => new()
    {
        { "_id", id },
        { Version, version },
        { Data, BsonDocument.Parse(JsonSerializer.Serialize(document, StoreJson.Options)) },
        { "updatedAt", DateTime.UtcNow },
        { Outbox, new BsonArray(outbox.Select(ToBson)) },
    };

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
    };

    public static Stored<T> FromBson<T>(BsonDocument doc) where T : class
    {
        var json = doc[Data].AsBsonDocument.ToJson(new MongoDB.Bson.IO.JsonWriterSettings { OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson });
        return new Stored<T>(doc["_id"].AsString, doc[Version].ToInt64(), JsonSerializer.Deserialize<T>(json, StoreJson.Options)!);
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

        foreach (var f in definition.IndexedFields.Except(definition.UniqueFields))
        {
            yield return (new BsonDocument($"{Data}.{f}", 1), new CreateIndexOptions { Name = $"ix_{f.Replace('.', '_')}" });
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
