using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;
using PatientExperience.Storage.Mongo;
using static PatientExperience.Storage.Tests.TestDocuments;

namespace PatientExperience.Storage.Tests;

/// <summary>How the MongoDB adapter translates documents, outbox messages and queries to BSON; no server needed.</summary>
public sealed class MongoMappingTests
{
    private static readonly DateTimeOffset InParis = new(2025, 3, 1, 10, 0, 0, TimeSpan.FromHours(2));
    private const string InParisUtc = "2025-03-01T08:00:00.0000000Z";

    private static BsonDocument FilterOf(params FieldFilter[] filters) => MongoMapping.Filter(new DocumentQuery { Filters = filters });

    [Fact]
    public void A_query_without_filters_matches_everything()
    {
        Assert.Equal(new BsonDocument(), FilterOf());
    }

    [Fact]
    public void Equal_filters_compare_the_value_as_stored_under_data()
    {
        Assert.Equal(new BsonDocument("data.reference", "G-1"), FilterOf(FieldFilter.Eq("reference", "G-1")));
        Assert.Equal(new BsonDocument("data.status", "awaiting-response"), FilterOf(FieldFilter.Eq("status", GrievanceStatus.AwaitingResponse)));
        Assert.Equal(new BsonDocument("data.receivedAt", InParisUtc), FilterOf(FieldFilter.Eq("receivedAt", InParis)));
        Assert.Equal(new BsonDocument("data.escalationLevel", new BsonInt64(2)), FilterOf(FieldFilter.Eq("escalationLevel", 2)));
        Assert.Equal(new BsonDocument("data.score", new BsonDouble(1.5)), FilterOf(FieldFilter.Eq("score", 1.5m)));
        Assert.Equal(new BsonDocument("data.urgent", BsonBoolean.True), FilterOf(FieldFilter.Eq("urgent", true)));
        Assert.Equal(new BsonDocument("data.patient.ward", "ward-7"), FilterOf(FieldFilter.Eq("patient.ward", "ward-7")));
    }

    [Fact]
    public void Missing_or_equal_filters_render_in_with_null_which_also_matches_an_absent_field()
    {
        Assert.Equal(new BsonDocument("data.source", new BsonDocument("$in", new BsonArray { BsonNull.Value, "feedback" })),
            FilterOf(FieldFilter.MissingOrEq("source", "feedback")));
        Assert.Equal(new BsonDocument("data.status", new BsonDocument("$in", new BsonArray { BsonNull.Value, "awaiting-response" })),
            FilterOf(FieldFilter.MissingOrEq("status", GrievanceStatus.AwaitingResponse)));
    }

    [Fact]
    public void In_filters_render_in_with_every_value_converted()
    {
        var filter = FilterOf(FieldFilter.In("status", [GrievanceStatus.Received, GrievanceStatus.AwaitingResponse]));
        var empty = FilterOf(FieldFilter.In("status", []));

        Assert.Equal(new BsonDocument("data.status", new BsonDocument("$in", new BsonArray { "received", "awaiting-response" })), filter);
        Assert.Equal(new BsonDocument("data.status", new BsonDocument("$in", new BsonArray())), empty);
    }

    [Fact]
    public void Range_filters_render_gte_and_lt_on_utc_instants()
    {
        Assert.Equal(new BsonDocument("data.receivedAt", new BsonDocument("$gte", InParisUtc)), FilterOf(FieldFilter.Gte("receivedAt", InParis)));
        Assert.Equal(new BsonDocument("data.receivedAt", new BsonDocument("$lt", InParisUtc)), FilterOf(FieldFilter.Lt("receivedAt", InParis)));
    }

    [Fact]
    public void Several_filters_must_all_hold_even_on_the_same_field()
    {
        var filter = FilterOf(
            FieldFilter.Gte("receivedAt", InParis),
            FieldFilter.Lt("receivedAt", InParis.AddDays(1)),
            FieldFilter.Eq("status", GrievanceStatus.Closed));

        var expected = new BsonDocument("$and", new BsonArray
        {
            new BsonDocument("data.receivedAt", new BsonDocument("$gte", InParisUtc)),
            new BsonDocument("data.receivedAt", new BsonDocument("$lt", "2025-03-02T08:00:00.0000000Z")),
            new BsonDocument("data.status", "closed"),
        });
        Assert.Equal(expected, filter);
    }

    [Fact]
    public void Sort_is_by_id_unless_a_field_is_given_and_ties_break_on_id()
    {
        Assert.Equal(new BsonDocument("_id", 1), MongoMapping.Sort(new DocumentQuery()));
        Assert.Equal(new BsonDocument { { "data.receivedAt", 1 }, { "_id", 1 } }, MongoMapping.Sort(new DocumentQuery { SortBy = "receivedAt" }));
        Assert.Equal(new BsonDocument { { "data.receivedAt", -1 }, { "_id", 1 } }, MongoMapping.Sort(new DocumentQuery { SortBy = "receivedAt", Descending = true }));
    }

    [Fact]
    public void Unique_fields_get_unique_indexes_that_ignore_documents_lacking_the_field()
    {
        var definition = new CollectionDefinition("grievances")
        {
            UniqueFields = ["contactEmail"],
            IndexedFields = ["status", "patient.ward", "contactEmail"],
        };

        var indexes = MongoMapping.IndexesFor(definition).ToList();

        Assert.Equal(3, indexes.Count);
        Assert.Equal(3, indexes.Select(i => i.Options.Name).Distinct().Count());
        var unique = Assert.Single(indexes, i => i.Options.Unique == true);
        Assert.Equal(new BsonDocument("data.contactEmail", 1), unique.Keys);
        var partial = Assert.IsType<CreateIndexOptions<BsonDocument>>(unique.Options).PartialFilterExpression;
        Assert.NotNull(partial);
        Assert.Equal(new BsonDocument("data.contactEmail", new BsonDocument("$exists", true)), Render(partial));
    }

    [Fact]
    public void The_backlog_reads_only_documents_in_the_outbox_claim_index()
    {
        // The same filter as the partial index ix_outbox_pending, so the metric's read never scans the collection.
        Assert.Equal(new BsonDocument("$match", Render(MongoMapping.OutboxIndex.Options.PartialFilterExpression)),
            MongoMapping.BacklogStages[0]);
        Assert.Equal("$group", MongoMapping.BacklogStages[^1].GetElement(0).Name);
    }

    [Fact]
    public void Indexed_fields_get_plain_ascending_indexes_including_nested_paths()
    {
        var definition = new CollectionDefinition("grievances") { IndexedFields = ["status", "patient.ward"] };

        var indexes = MongoMapping.IndexesFor(definition).ToList();

        Assert.Equal([new BsonDocument("data.status", 1), new BsonDocument("data.patient.ward", 1)], indexes.Select(i => i.Keys));
        Assert.All(indexes, i => Assert.NotEqual(true, i.Options.Unique));
        Assert.All(indexes, i => Assert.Null((i.Options as CreateIndexOptions<BsonDocument>)?.PartialFilterExpression));
    }

    [Fact]
    public void A_compound_index_keeps_its_field_order_and_replaces_its_first_fields_own_index()
    {
        var definition = new CollectionDefinition("report_days") { IndexedFields = ["facilityId", "day", "unitId"], CompoundIndexes = [["facilityId", "day"]] };

        var indexes = MongoMapping.IndexesFor(definition).ToList();

        Assert.Equal(
            [new BsonDocument("data.day", 1), new BsonDocument("data.unitId", 1), new BsonDocument { { "data.facilityId", 1 }, { "data.day", 1 } }],
            indexes.Select(i => i.Keys));
        Assert.Equal("cx_facilityId__day", indexes[^1].Options.Name);
    }

    [Fact]
    public void A_document_survives_the_trip_through_bson_with_its_id_and_version()
    {
        var document = new Grievance("G-1", GrievanceStatus.AwaitingResponse, InParis.AddTicks(1234567), 3, new PatientRef("MRN-1", Ward: null))
        {
            ContactEmail = "patient@example.org",
            Notes = "Waited \"six\" hours — ünïcode kept",
        };

        var stored = ThroughTheWire(MongoMapping.ToBson("g-1", 4, document, []));
        var read = MongoMapping.FromBson<Grievance>(stored);

        Assert.Equal(new Stored<Grievance>("g-1", 4, document), read);
    }

    [Fact]
    public void A_document_is_stored_in_the_shape_queries_filter_on()
    {
        var document = Grievance("G-1", InParis, GrievanceStatus.AwaitingResponse, ward: null);

        var data = MongoMapping.ToBson("g-1", 1, document, [])["data"].AsBsonDocument;

        Assert.Equal("awaiting-response", data["status"]);
        Assert.Equal(InParisUtc, data["receivedAt"]);
        Assert.Equal(new BsonDocument("medicalRecordNumber", "MRN-G-1"), data["patient"]);
        Assert.False(data.Contains("contactEmail"), "absent values are omitted so partial unique indexes skip them");
        Assert.False(data.Contains("acknowledgedAt"));
    }

    [Fact]
    public void Outbox_messages_ride_inside_the_document_in_order()
    {
        var first = Message("GrievanceReceived", T0);
        var second = Message("GrievanceAcknowledged", T0.AddSeconds(1));

        var stored = ThroughTheWire(MongoMapping.ToBson("g-1", 1, Grievance("G-1"), [first, second]));
        var messages = stored["_outbox"].AsBsonArray.Select(m => MongoMapping.OutboxFromBson(m.AsBsonDocument)).ToList();

        Assert.Equal([first.Id, second.Id], messages.Select(m => m.Id));
    }

    [Fact]
    public void An_outbox_message_survives_the_trip_through_bson()
    {
        var message = Message("GrievanceReceived", InParis.AddTicks(7));

        var read = MongoMapping.OutboxFromBson(ThroughTheWire(MongoMapping.ToBson(message)));

        Assert.Equal((message.Id, message.MessageType, message.Payload), (read.Id, read.MessageType, read.Payload));
        Assert.Equal(message.CreatedAt.UtcTicks, read.CreatedAt.UtcTicks);
        Assert.Equal(message.Headers.OrderBy(h => h.Key), read.Headers.OrderBy(h => h.Key));
    }

    [Fact]
    public void A_document_with_messages_is_marked_pending_since_its_oldest_message_and_one_without_is_not()
    {
        var older = Message("GrievanceReceived", T0);
        var newer = Message("GrievanceAcknowledged", T0.AddSeconds(1));

        var pending = ThroughTheWire(MongoMapping.ToBson("g-1", 1, Grievance("G-1"), [newer, older]));
        var quiet = ThroughTheWire(MongoMapping.ToBson("g-2", 1, Grievance("G-2"), []));

        Assert.Equal(BsonBoolean.True, pending["_outboxPending"]);
        Assert.Equal(T0.UtcDateTime, pending["_outboxSince"].ToUniversalTime());
        Assert.False(quiet.Contains("_outboxPending"));
        Assert.False(quiet.Contains("_outboxSince"));
    }

    [Fact]
    public void The_claim_filters_by_equality_on_the_pending_flag_and_its_partial_index_covers_the_filter_and_the_sort()
    {
        var now = new DateTime(2025, 3, 1, 9, 0, 0, DateTimeKind.Utc);
        var filter = MongoMapping.ClaimFilter(now);
        var (keys, options) = MongoMapping.OutboxIndex;

        // An equality on a top-level field the index leads with, not an $exists on an array element (which no index serves).
        Assert.Equal(BsonBoolean.True, filter["_outboxPending"]);
        Assert.DoesNotContain(filter.Names, n => n.StartsWith("_outbox.", StringComparison.Ordinal));
        Assert.Equal(["_outboxPending", "_outboxSince"], keys.Names);
        Assert.Equal(MongoMapping.ClaimSort.Names.Single(), keys.Names.Last());
        // Partial on exactly what the claim asks for, so the planner may use it and it holds only the backlog.
        Assert.Equal(new BsonDocument("_outboxPending", true), options.PartialFilterExpression.Render(
            new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry)));
        Assert.False(options.Sparse ?? false);
        var leaseFree = filter["$or"].AsBsonArray;
        Assert.Contains(new BsonDocument("_outboxLease", BsonNull.Value), leaseFree);
        Assert.Contains(new BsonDocument("_outboxLease", new BsonDocument("$lt", now)), leaseFree);
    }

    [Fact]
    public void A_replace_that_adds_messages_appends_them_and_marks_the_document_pending_and_one_without_leaves_the_outbox_alone()
    {
        var message = Message("GrievanceAcknowledged", T0);
        var next = MongoMapping.ToBson("g-1", 2, Grievance("G-1"), [message]);

        var adding = MongoMapping.ReplaceUpdate(next, [message]);
        var plain = MongoMapping.ReplaceUpdate(MongoMapping.ToBson("g-1", 2, Grievance("G-1"), []), []);

        Assert.Equal(BsonBoolean.True, adding["$set"]["_outboxPending"]);
        Assert.Equal(message.Id.ToString(), adding["$push"]["_outbox"]["$each"][0]["id"].AsString);
        Assert.Equal(T0.UtcDateTime, adding["$min"]["_outboxSince"].ToUniversalTime());
        Assert.Equal(["$set"], plain.Names);
        Assert.False(plain["$set"].AsBsonDocument.Contains("_outboxPending"));
    }

    [Fact]
    public void Documents_written_before_the_pending_flag_are_found_and_marked_at_start_up()
    {
        Assert.Equal(new BsonDocument { { "_outbox.0", new BsonDocument("$exists", true) }, { "_outboxPending", new BsonDocument("$exists", false) } },
            MongoMapping.BackfillFilter);
        var set = Assert.Single(MongoMapping.BackfillPipeline)["$set"].AsBsonDocument;
        Assert.Equal(BsonBoolean.True, set["_outboxPending"]);
        Assert.Equal("$updatedAt", set["_outboxSince"].AsString);
    }

    [Fact]
    public void A_dead_lettered_outbox_message_survives_the_trip_through_bson_with_its_origin_and_reason()
    {
        var message = Message("GrievanceReceived", T0);
        var at = new DateTime(2025, 3, 1, 9, 30, 0, DateTimeKind.Utc);

        var read = MongoMapping.DeadLetterFromBson(ThroughTheWire(MongoMapping.DeadLetter(new PendingOutboxMessage(message, "grievances", "g-1"), "type unknown", at)));

        Assert.Equal((message.Id, "grievances", "g-1", "type unknown", at), (read.Message.Id, read.Collection, read.DocumentId, read.Reason, read.DeadLetteredAt.UtcDateTime));
    }

    /// <summary>Serialises to BSON bytes and back, as a round trip through the server would.</summary>
    private static BsonDocument ThroughTheWire(BsonDocument document) => BsonSerializer.Deserialize<BsonDocument>(document.ToBson());

    private static BsonDocument Render(FilterDefinition<BsonDocument> filter) =>
        filter.Render(new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry));

    [Fact]
    public void WriteMany_renders_inserts_and_version_conditioned_updates_that_carry_the_call_token_in_order()
    {
        var token = ObjectId.GenerateNewId();
        var models = MongoMapping.WriteManyModels(
            [new DocumentWrite<Grievance>("g-1", Grievance("G-1"), null), new DocumentWrite<Grievance>("g-2", Grievance("G-2", escalationLevel: 3), 4)], token);

        var insert = Assert.IsType<InsertOneModel<BsonDocument>>(models[0]).Document;
        Assert.Equal("g-1", insert["_id"].AsString);
        Assert.Equal(1L, insert[MongoMapping.Version].ToInt64());
        Assert.Equal(token, insert[MongoMapping.WriteToken].AsObjectId);
        Assert.Empty(insert[MongoMapping.Outbox].AsBsonArray);
        Assert.Equal("G-1", insert[MongoMapping.Data]["reference"].AsString);

        var update = Assert.IsType<UpdateOneModel<BsonDocument>>(models[1]);
        var args = new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry);
        Assert.Equal(new BsonDocument { { "_id", "g-2" }, { MongoMapping.Version, 4L } }, Render(update.Filter));
        var set = update.Update.Render(args).AsBsonDocument["$set"].AsBsonDocument;
        Assert.Equal(5L, set[MongoMapping.Version].ToInt64());
        Assert.Equal(3, set[MongoMapping.Data]["escalationLevel"].ToInt32());
        Assert.Equal(token, set[MongoMapping.WriteToken].AsObjectId);
        Assert.False(set.Contains(MongoMapping.OutboxPending));
    }

    [Fact]
    public void A_transactions_writes_carry_no_token_and_store_each_document_as_its_runtime_type_serialises()
    {
        // TryWriteAllAsync passes documents as objects: their own fields must be stored, and a refusal aborts the whole
        // transaction, so no token is left to read back.
        var models = MongoMapping.WriteManyModels(
            [new CollectionWrite(new CollectionDefinition("grievances"), "g-1", Grievance("G-1"), null).AsDocumentWrite(),
             new CollectionWrite(new CollectionDefinition("grievances"), "g-2", Grievance("G-2", escalationLevel: 3), 4).AsDocumentWrite()], token: null);

        var insert = Assert.IsType<InsertOneModel<BsonDocument>>(models[0]).Document;
        Assert.False(insert.Contains(MongoMapping.WriteToken));
        Assert.Equal("G-1", insert[MongoMapping.Data]["reference"].AsString);
        var set = Assert.IsType<UpdateOneModel<BsonDocument>>(models[1]).Update
            .Render(new RenderArgs<BsonDocument>(BsonDocumentSerializer.Instance, BsonSerializer.SerializerRegistry)).AsBsonDocument["$set"].AsBsonDocument;
        Assert.False(set.Contains(MongoMapping.WriteToken));
        Assert.Equal((5L, 3), (set[MongoMapping.Version].ToInt64(), set[MongoMapping.Data]["escalationLevel"].ToInt32()));
    }

    [Fact]
    public void Only_a_replica_set_member_or_a_router_is_accepted_for_transactions()
    {
        Assert.Null(MongoMapping.TransactionsUnavailable(new BsonDocument { { "isWritablePrimary", true }, { "setName", "rs0" } }));
        Assert.Null(MongoMapping.TransactionsUnavailable(new BsonDocument { { "isWritablePrimary", true }, { "msg", "isdbgrid" } }));
        Assert.Contains("replica set", MongoMapping.TransactionsUnavailable(new BsonDocument { { "isWritablePrimary", true }, { "maxWireVersion", 25 } }));
    }
}
