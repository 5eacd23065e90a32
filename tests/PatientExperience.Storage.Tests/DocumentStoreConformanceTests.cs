using static PatientExperience.Storage.Tests.TestDocuments;

namespace PatientExperience.Storage.Tests;

/// <summary>
/// What every <see cref="IDocumentStore"/> adapter must do. Each subclass supplies a fresh store per test; the collection
/// has a unique name so adapters that share one database between tests stay isolated.
/// </summary>
public abstract class DocumentStoreConformanceTests : IAsyncLifetime
{
    private IDocumentStore? _store;
    private IDocumentCollection<Grievance>? _grievances;

    protected CollectionDefinition Definition { get; } = GrievancesDefinition(UniqueCollectionName("grievances"));

    protected IDocumentStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected IDocumentCollection<Grievance> Grievances => _grievances ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new, empty store (call <see cref="Assert.Skip(string)"/> here when the adapter's server is unavailable).</summary>
    protected abstract ValueTask<IDocumentStore> CreateStoreAsync();

    protected virtual ValueTask DisposeStoreAsync(IDocumentStore store)
    {
        (store as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    public async ValueTask InitializeAsync()
    {
        _store = await CreateStoreAsync();
        _grievances = _store.Collection<Grievance>(Definition);
        await _store.InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await DisposeStoreAsync(_store);
        GC.SuppressFinalize(this);
    }

    // ---- documents -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Inserted_document_reads_back_equal_with_instants_enums_nesting_and_nulls()
    {
        var received = new DateTimeOffset(2025, 3, 1, 10, 15, 30, TimeSpan.FromHours(2)).AddTicks(1234567);
        var document = new Grievance("G-1", GrievanceStatus.AwaitingResponse, received, 2, new PatientRef("MRN-1", Ward: null))
        {
            ContactEmail = "patient@example.org",
            AcknowledgedAt = null,
            Notes = "Waited \"six\" hours — ünïcode kept",
        };

        var inserted = await Grievances.InsertAsync("g-1", document, [], Ct);
        var read = await Grievances.GetAsync("g-1", Ct);

        Assert.Equal(new Stored<Grievance>("g-1", 1, document), inserted);
        Assert.NotNull(read);
        Assert.Equal("g-1", read.Id);
        Assert.Equal(1, read.Version);
        Assert.Equal(document, read.Document);
        Assert.Equal(received.UtcTicks, read.Document.ReceivedAt.UtcTicks);
        Assert.Null(read.Document.Patient.Ward);
        Assert.Null(read.Document.AcknowledgedAt);
    }

    [Fact]
    public async Task Getting_an_unknown_id_returns_null()
    {
        Assert.Null(await Grievances.GetAsync("nope", Ct));
    }

    [Fact]
    public async Task Inserting_a_taken_id_throws_DuplicateDocumentException_and_keeps_the_original()
    {
        await Grievances.InsertAsync("g-1", Grievance("first"), [], Ct);

        await Assert.ThrowsAsync<DuplicateDocumentException>(() => Grievances.InsertAsync("g-1", Grievance("second"), [Message("GrievanceReceived", T0)], Ct));

        Assert.Equal("first", (await Grievances.GetAsync("g-1", Ct))!.Document.Reference);
        Assert.Equal(1, await Grievances.CountAsync(Ct));
        Assert.Empty(await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct));
    }

    [Fact]
    public async Task Inserting_a_taken_unique_value_throws_DuplicateDocumentException()
    {
        await Grievances.InsertAsync("g-1", Grievance("first", email: "same@example.org"), [], Ct);

        await Assert.ThrowsAsync<DuplicateDocumentException>(() => Grievances.InsertAsync("g-2", Grievance("second", email: "same@example.org"), [], Ct));

        Assert.Null(await Grievances.GetAsync("g-2", Ct));
        Assert.Equal(1, await Grievances.CountAsync(Ct));
    }

    [Fact]
    public async Task Documents_without_the_unique_field_do_not_collide()
    {
        await Grievances.InsertAsync("g-1", Grievance("first", email: null), [], Ct);
        await Grievances.InsertAsync("g-2", Grievance("second", email: null), [], Ct);
        await Grievances.InsertAsync("g-3", Grievance("third", email: "someone@example.org"), [], Ct);

        Assert.Equal(3, await Grievances.CountAsync(Ct));
    }

    [Fact]
    public async Task Replacing_with_a_value_another_document_holds_uniquely_throws_DuplicateDocumentException()
    {
        await Grievances.InsertAsync("g-1", Grievance("first", email: "a@example.org"), [], Ct);
        await Grievances.InsertAsync("g-2", Grievance("second", email: "b@example.org"), [], Ct);

        await Assert.ThrowsAsync<DuplicateDocumentException>(() => Grievances.ReplaceAsync("g-2", Grievance("second", email: "a@example.org"), 1, [], Ct));

        var unchanged = await Grievances.GetAsync("g-2", Ct);
        Assert.Equal(("b@example.org", 1L), (unchanged!.Document.ContactEmail, unchanged.Version));
    }

    [Fact]
    public async Task Replacing_at_the_current_version_stores_the_new_content_and_bumps_the_version()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [], Ct);
        var acknowledged = Grievance("G-1", status: GrievanceStatus.AwaitingResponse) with { AcknowledgedAt = T0.AddHours(1) };

        var second = await Grievances.ReplaceAsync("g-1", acknowledged, 1, [], Ct);
        var third = await Grievances.ReplaceAsync("g-1", acknowledged with { Status = GrievanceStatus.Closed }, 2, [], Ct);

        Assert.Equal(2, second.Version);
        Assert.Equal(3, third.Version);
        var read = await Grievances.GetAsync("g-1", Ct);
        Assert.Equal(3, read!.Version);
        Assert.Equal(acknowledged with { Status = GrievanceStatus.Closed }, read.Document);
    }

    [Fact]
    public async Task Replacing_at_a_stale_version_throws_ConcurrencyConflictException_and_changes_nothing()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [], Ct);
        var current = await Grievances.ReplaceAsync("g-1", Grievance("G-1", escalationLevel: 2), 1, [], Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Grievances.ReplaceAsync("g-1", Grievance("G-1", escalationLevel: 3), 1, [], Ct));

        Assert.Equal(current, await Grievances.GetAsync("g-1", Ct));
    }

    [Fact]
    public async Task Replacing_a_missing_document_throws_ConcurrencyConflictException()
    {
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Grievances.ReplaceAsync("ghost", Grievance("ghost"), 1, [], Ct));

        Assert.Null(await Grievances.GetAsync("ghost", Ct));
    }

    [Fact]
    public async Task Concurrent_replaces_from_the_same_version_let_exactly_one_win()
    {
        const int contenders = 8;
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [], Ct);

        var attempts = Enumerable.Range(2, contenders).Select(async level =>
        {
            try
            {
                await Grievances.ReplaceAsync("g-1", Grievance("G-1", escalationLevel: level), 1, [Message($"Escalated{level}", T0)], Ct);
                return (Level: level, Won: true);
            }
            catch (ConcurrencyConflictException)
            {
                return (Level: level, Won: false);
            }
        }).ToList();
        var outcomes = await Task.WhenAll(attempts);

        var winner = Assert.Single(outcomes, o => o.Won);
        var stored = await Grievances.GetAsync("g-1", Ct);
        Assert.Equal(2, stored!.Version);
        Assert.Equal(winner.Level, stored.Document.EscalationLevel);
        var published = await Store.Outbox.ClaimAsync(100, TimeSpan.FromMinutes(1), Ct);
        Assert.Equal([$"Escalated{winner.Level}"], published.Select(p => p.Message.MessageType));
    }

    // ---- deletes ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Deleting_a_document_removes_it_from_reads_queries_and_counts()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1", status: GrievanceStatus.Closed, email: "gone@example.org"), [], Ct);
        await Grievances.InsertAsync("g-2", Grievance("G-2", status: GrievanceStatus.Closed), [], Ct);

        var deleted = await Grievances.DeleteAsync("g-1", expectedVersion: null, Ct);

        Assert.True(deleted);
        Assert.Null(await Grievances.GetAsync("g-1", Ct));
        Assert.Null(await Grievances.FindOneAsync("contactEmail", "gone@example.org", Ct));
        Assert.Equal(["g-2"], await IdsAsync(new DocumentQuery { Filters = [FieldFilter.Eq("status", GrievanceStatus.Closed)] }));
        Assert.Equal(1, await Grievances.CountAsync(Ct));
    }

    [Fact]
    public async Task Deleting_a_missing_or_already_deleted_document_returns_false()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [], Ct);
        await Grievances.DeleteAsync("g-1", expectedVersion: null, Ct);

        Assert.False(await Grievances.DeleteAsync("g-1", expectedVersion: null, Ct));
        Assert.False(await Grievances.DeleteAsync("g-1", expectedVersion: 1, Ct));
        Assert.False(await Grievances.DeleteAsync("ghost", expectedVersion: null, Ct));
    }

    [Fact]
    public async Task Deleting_at_the_current_version_deletes_and_at_a_stale_version_changes_nothing()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [], Ct);
        await Grievances.InsertAsync("g-2", Grievance("G-2"), [], Ct);
        var current = await Grievances.ReplaceAsync("g-1", Grievance("G-1", escalationLevel: 2), 1, [], Ct);

        var atStale = await Grievances.DeleteAsync("g-1", expectedVersion: 1, Ct);
        var atCurrentOfAnother = await Grievances.DeleteAsync("g-2", expectedVersion: 1, Ct);

        Assert.False(atStale);
        Assert.Equal(current, await Grievances.GetAsync("g-1", Ct));
        Assert.True(atCurrentOfAnother);
        Assert.Null(await Grievances.GetAsync("g-2", Ct));
        Assert.True(await Grievances.DeleteAsync("g-1", expectedVersion: 2, Ct));
    }

    [Fact]
    public async Task Concurrent_deletes_at_the_same_version_let_exactly_one_succeed()
    {
        const int contenders = 8;
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [], Ct);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, contenders).Select(_ => Grievances.DeleteAsync("g-1", expectedVersion: 1, Ct)));

        Assert.Single(outcomes, deleted => deleted);
        Assert.Null(await Grievances.GetAsync("g-1", Ct));
    }

    [Fact]
    public async Task A_deleted_id_and_its_unique_value_can_be_used_again_starting_at_version_1()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1", email: "reused@example.org"), [], Ct);
        await Grievances.ReplaceAsync("g-1", Grievance("G-1", escalationLevel: 2, email: "reused@example.org"), 1, [], Ct);
        await Grievances.DeleteAsync("g-1", expectedVersion: 2, Ct);

        var again = await Grievances.InsertAsync("g-1", Grievance("G-1 again"), [], Ct);
        await Grievances.InsertAsync("g-2", Grievance("G-2", email: "reused@example.org"), [], Ct);

        Assert.Equal(1, again.Version);
        Assert.Equal(again, await Grievances.GetAsync("g-1", Ct));
        Assert.Equal("g-2", (await Grievances.FindOneAsync("contactEmail", "reused@example.org", Ct))?.Id);
    }

    [Fact]
    public async Task Deleting_a_document_keeps_the_outbox_messages_its_writes_committed()
    {
        var received = Message("GrievanceReceived", T0);
        var withdrawn = Message("GrievanceWithdrawn", T0.AddSeconds(1));
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [received], Ct);
        await Grievances.ReplaceAsync("g-1", Grievance("G-1", status: GrievanceStatus.Closed), 1, [withdrawn], Ct);

        Assert.True(await Grievances.DeleteAsync("g-1", expectedVersion: 2, Ct));
        var claimed = await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal([received.Id, withdrawn.Id], claimed.Select(c => c.Message.Id));
        Assert.Equal(withdrawn.Payload, claimed[1].Message.Payload);
        foreach (var message in claimed) await Store.Outbox.MarkPublishedAsync(message, Ct);
        Assert.Null(await Grievances.GetAsync("g-1", Ct));
        Assert.Empty(await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct));
    }

    [Fact]
    public async Task CountBy_counts_the_matching_documents_per_combination_of_values_with_absent_values_as_null()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1", status: GrievanceStatus.Received, escalationLevel: 1, ward: "ward-7"), [], Ct);
        await Grievances.InsertAsync("g-2", Grievance("G-2", status: GrievanceStatus.Received, escalationLevel: 1, ward: "ward-7"), [], Ct);
        await Grievances.InsertAsync("g-3", Grievance("G-3", status: GrievanceStatus.Received, escalationLevel: 2, ward: null), [], Ct);
        await Grievances.InsertAsync("g-4", Grievance("G-4", status: GrievanceStatus.AwaitingResponse, escalationLevel: 3, ward: "ward-9"), [], Ct);
        await Grievances.InsertAsync("g-5", Grievance("G-5", status: GrievanceStatus.Closed, escalationLevel: 1, ward: "ward-7"), [], Ct);
        var notClosed = new DocumentQuery { Filters = [FieldFilter.In("status", [GrievanceStatus.Received, GrievanceStatus.AwaitingResponse])] };

        var groups = await Grievances.CountByAsync(notClosed, ["escalationLevel", "patient.ward"], Ct);

        Assert.Equal(
            [("1", "ward-7", 2L), ("2", null, 1L), ("3", "ward-9", 1L)],
            groups.Select(g => (g.Keys[0], g.Keys[1], g.Count)).OrderBy(g => g.Item1));
        var byStatus = await Grievances.CountByAsync(new DocumentQuery(), ["status"], Ct);
        Assert.Equal(3, byStatus.Single(g => g.Keys[0] == (string?)StoreJson.ToJsonScalar(GrievanceStatus.Received)).Count);
        Assert.Empty(await Grievances.CountByAsync(new DocumentQuery { Filters = [FieldFilter.Eq("escalationLevel", 9)] }, ["status"], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Grievances.CountByAsync(new DocumentQuery(), ["notes"], Ct));
    }

    [Fact]
    public async Task ListIds_gives_the_ids_of_every_match_in_the_sort_order_without_paging()
    {
        await Grievances.InsertAsync("g-3", Grievance("G-3", status: GrievanceStatus.Received, escalationLevel: 2, ward: "ward-7"), [], Ct);
        await Grievances.InsertAsync("g-1", Grievance("G-1", status: GrievanceStatus.Received, escalationLevel: 3, ward: "ward-7"), [], Ct);
        await Grievances.InsertAsync("g-2", Grievance("G-2", status: GrievanceStatus.Closed, escalationLevel: 1, ward: "ward-7"), [], Ct);
        await Grievances.InsertAsync("g-4", Grievance("G-4", status: GrievanceStatus.AwaitingResponse, escalationLevel: 1, ward: "ward-9"), [], Ct);
        var open = new DocumentQuery
        {
            Filters = [FieldFilter.In("status", [GrievanceStatus.Received, GrievanceStatus.AwaitingResponse])], PageSize = 1, PageNumber = 2,
        };

        Assert.Equal(["g-1", "g-3", "g-4"], await Grievances.ListIdsAsync(open, Ct));
        Assert.Equal(["g-4", "g-3", "g-1"], await Grievances.ListIdsAsync(open with { SortBy = "escalationLevel" }, Ct));
        Assert.Equal(["g-1", "g-3", "g-4"], await Grievances.ListIdsAsync(open with { SortBy = "escalationLevel", Descending = true }, Ct));
        Assert.Empty(await Grievances.ListIdsAsync(new DocumentQuery { Filters = [FieldFilter.Eq("escalationLevel", 9)] }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Grievances.ListIdsAsync(new DocumentQuery { Filters = [FieldFilter.Eq("notes", "x")] }, Ct));
    }

    [Fact]
    public async Task GetMany_returns_the_documents_that_exist_with_their_versions()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [], Ct);
        var second = await Grievances.InsertAsync("g-2", Grievance("G-2"), [], Ct);
        await Grievances.ReplaceAsync("g-2", second.Document with { EscalationLevel = 2 }, 1, [], Ct);
        var many = Enumerable.Range(3, 1_200).Select(i => $"g-{i}").ToList();
        foreach (var id in many.Take(3)) await Grievances.InsertAsync(id, Grievance(id), [], Ct);

        var found = await Grievances.GetManyAsync(["g-2", "g-1", "g-missing", "g-1"], Ct);
        var beyondOneStatement = await Grievances.GetManyAsync([.. many, "g-1"], Ct);

        Assert.Equal([("g-1", 1L, 1), ("g-2", 2L, 2)], found.Select(s => (s.Id, s.Version, s.Document.EscalationLevel)).OrderBy(x => x.Id));
        Assert.Equal(["g-1", "g-3", "g-4", "g-5"], beyondOneStatement.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Empty(await Grievances.GetManyAsync([], Ct));
    }

    [Fact]
    public async Task WriteMany_applies_each_insert_and_replace_under_its_own_condition_and_refuses_only_the_failed_ones()
    {
        await Grievances.InsertAsync("g-taken", Grievance("G-0"), [], Ct);
        var current = await Grievances.InsertAsync("g-current", Grievance("G-1"), [], Ct);
        var stale = await Grievances.InsertAsync("g-stale", Grievance("G-2"), [], Ct);
        await Grievances.ReplaceAsync("g-stale", stale.Document with { EscalationLevel = 5 }, 1, [], Ct);
        await Grievances.InsertAsync("g-email", Grievance("G-3") with { ContactEmail = "taken@example.org" }, [], Ct);

        var versions = await Grievances.WriteManyAsync(
            [
                new DocumentWrite<Grievance>("g-new", Grievance("G-new"), null),
                new DocumentWrite<Grievance>("g-taken", Grievance("G-again"), null),
                new DocumentWrite<Grievance>("g-current", current.Document with { EscalationLevel = 2 }, 1),
                new DocumentWrite<Grievance>("g-stale", stale.Document with { EscalationLevel = 9 }, 1),
                new DocumentWrite<Grievance>("g-gone", Grievance("G-gone"), 1),
                new DocumentWrite<Grievance>("g-dup-email", Grievance("G-4") with { ContactEmail = "taken@example.org" }, null),
            ], Ct);

        Assert.Equal([1, null, 2, null, null, null], versions);
        Assert.Equal("G-new", (await Grievances.GetAsync("g-new", Ct))!.Document.Reference);
        Assert.Equal("G-0", (await Grievances.GetAsync("g-taken", Ct))!.Document.Reference);
        Assert.Equal((2L, 2), await VersionAndLevel("g-current"));
        Assert.Equal((2L, 5), await VersionAndLevel("g-stale"));
        Assert.Null(await Grievances.GetAsync("g-gone", Ct));
        Assert.Null(await Grievances.GetAsync("g-dup-email", Ct));
        Assert.Equal(5, await Grievances.CountAsync(Ct));
        Assert.Empty(await Grievances.WriteManyAsync([], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Grievances.WriteManyAsync(
            [new DocumentWrite<Grievance>("g-x", Grievance("G-x"), null), new DocumentWrite<Grievance>("g-x", Grievance("G-y"), null)], Ct));
        Assert.Null(await Grievances.GetAsync("g-x", Ct));

        async Task<(long, int)> VersionAndLevel(string id)
        {
            var stored = (await Grievances.GetAsync(id, Ct))!;
            return (stored.Version, stored.Document.EscalationLevel);
        }
    }

    // ---- atomic writes across collections -------------------------------------------------------------------

    /// <summary>A running total in a second collection, kept with the entries it counts (a read model's shape).</summary>
    public sealed record Tally(long Count);

    private CollectionDefinition Tallies { get; } = new(UniqueCollectionName("tallies"));

    private CollectionWrite Write(string id, Grievance document, long? expected) => new(Definition, id, document, expected);

    private CollectionWrite Write(string id, Tally tally, long? expected) => new(Tallies, id, tally, expected);

    [Fact]
    public async Task TryWriteAll_writes_documents_of_several_collections_together_each_at_its_next_version()
    {
        var tallies = Store.Collection<Tally>(Tallies);
        await Store.InitializeAsync(Ct);
        var existing = await Grievances.InsertAsync("g-1", Grievance("G-1"), [], Ct);

        Assert.True(await Store.TryWriteAllAsync(
            [Write("g-1", existing.Document with { EscalationLevel = 3 }, 1), Write("g-2", Grievance("G-2"), null), Write("total", new Tally(2), null)], Ct));
        Assert.True(await Store.TryWriteAllAsync([Write("total", new Tally(3), 1), Write("g-3", Grievance("G-3"), null)], Ct));

        Assert.Equal((2L, 3), ((await Grievances.GetAsync("g-1", Ct))!.Version, (await Grievances.GetAsync("g-1", Ct))!.Document.EscalationLevel));
        Assert.Equal(["g-1", "g-2", "g-3"], (await Grievances.GetManyAsync(["g-1", "g-2", "g-3"], Ct)).Select(g => g.Id).Order(StringComparer.Ordinal));
        Assert.Equal(new Stored<Tally>("total", 2, new Tally(3)), await tallies.GetAsync("total", Ct));
        Assert.True(await Store.TryWriteAllAsync([], Ct));
    }

    [Theory]
    [InlineData("stale replace")]
    [InlineData("replace of a missing document")]
    [InlineData("insert of a taken id")]
    [InlineData("insert of a taken unique value")]
    public async Task TryWriteAll_writes_nothing_when_one_condition_fails(string failure)
    {
        var tallies = Store.Collection<Tally>(Tallies);
        await Store.InitializeAsync(Ct);
        await Grievances.InsertAsync("g-taken", Grievance("G-0", email: "taken@example.org"), [], Ct);
        await tallies.InsertAsync("total", new Tally(1), [], Ct);
        await tallies.ReplaceAsync("total", new Tally(2), 1, [], Ct);

        CollectionWrite failing = failure switch
        {
            "stale replace" => Write("total", new Tally(9), 1),
            "replace of a missing document" => Write("g-gone", Grievance("G-gone"), 1),
            "insert of a taken id" => Write("g-taken", Grievance("G-again"), null),
            _ => Write("g-email", Grievance("G-email", email: "taken@example.org"), null),
        };
        List<CollectionWrite> writes = [Write("g-new", Grievance("G-new"), null), Write("other", new Tally(5), null), failing];
        if (failure != "stale replace") writes.Add(Write("total", new Tally(3), 2));

        Assert.False(await Store.TryWriteAllAsync(writes, Ct));

        Assert.Null(await Grievances.GetAsync("g-new", Ct));
        Assert.Null(await tallies.GetAsync("other", Ct));
        Assert.Equal(new Stored<Tally>("total", 2, new Tally(2)), await tallies.GetAsync("total", Ct));
        Assert.Equal("G-0", (await Grievances.GetAsync("g-taken", Ct))!.Document.Reference);
        Assert.Equal(1, await Grievances.CountAsync(Ct));
    }

    [Fact]
    public async Task TryWriteAll_refuses_a_call_that_writes_one_document_twice_and_writes_nothing()
    {
        Store.Collection<Tally>(Tallies);
        await Store.InitializeAsync(Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.TryWriteAllAsync([Write("t", new Tally(1), null), Write("t", new Tally(2), null)], Ct));
        // The same id in two collections is two documents.
        Assert.True(await Store.TryWriteAllAsync([Write("same", new Tally(1), null), Write("same", Grievance("G-same"), null)], Ct));
    }

    [Fact]
    public async Task Concurrent_writers_of_a_total_and_its_entries_never_lose_or_double_an_entry()
    {
        // Each writer adds entries and the total that counts them in one atomic write, reading the total again when refused:
        // whatever interleaving, the total equals the entries written.
        var tallies = Store.Collection<Tally>(Tallies);
        await Store.InitializeAsync(Ct);
        await tallies.InsertAsync("total", new Tally(0), [], Ct);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                while (true)
                {
                    var total = (await tallies.GetAsync("total", Ct))!;
                    if (await Store.TryWriteAllAsync(
                            [Write($"w{writer}-{i}-a", Grievance($"G-{writer}-{i}"), null), Write($"w{writer}-{i}-b", Grievance($"G-{writer}-{i}b"), null),
                             Write("total", new Tally(total.Document.Count + 2), total.Version)], Ct)) break;
                }
            }
        }, Ct)));

        Assert.Equal(120, await Grievances.CountAsync(Ct));
        Assert.Equal(new Stored<Tally>("total", 61, new Tally(120)), await tallies.GetAsync("total", Ct));
    }

    [Fact]
    public async Task WriteMany_writes_a_thousand_documents_that_read_back_and_replace_again_at_their_versions()
    {
        var ids = Enumerable.Range(0, 1_000).Select(i => $"g-{i:D4}").ToList();
        var inserted = await Grievances.WriteManyAsync([.. ids.Select(id => new DocumentWrite<Grievance>(id, Grievance(id), null))], Ct);
        var read = await Grievances.GetManyAsync(ids, Ct);
        var replaced = await Grievances.WriteManyAsync([.. read.Select(s => new DocumentWrite<Grievance>(s.Id, s.Document with { EscalationLevel = 4 }, s.Version))], Ct);

        Assert.All(inserted, v => Assert.Equal(1, v));
        Assert.All(replaced, v => Assert.Equal(2, v));
        Assert.Equal(1_000, await Grievances.CountAsync(Ct));
        Assert.Equal(1_000, (await Grievances.CountByAsync(new DocumentQuery { Filters = [FieldFilter.Eq("escalationLevel", 4)] }, ["escalationLevel"], Ct)).Single().Count);
    }

    [Fact]
    public async Task A_collection_with_a_compound_index_answers_the_same_queries()
    {
        var definition = GrievancesDefinition(UniqueCollectionName("compound")) with { CompoundIndexes = [["escalationLevel", "receivedAt"]] };
        var grievances = Store.Collection<Grievance>(definition);
        await Store.InitializeAsync(Ct);
        await Store.InitializeAsync(Ct);
        for (var i = 0; i < 6; i++) await grievances.InsertAsync($"g-{i}", Grievance($"G-{i}", receivedAt: T0.AddHours(i), escalationLevel: 1 + i % 2), [], Ct);

        var query = new DocumentQuery { Filters = [FieldFilter.Eq("escalationLevel", 2), FieldFilter.Gte("receivedAt", T0.AddHours(2)), FieldFilter.Lt("receivedAt", T0.AddHours(5))] };

        Assert.Equal(["g-3"], await grievances.ListIdsAsync(query, Ct));
        Assert.Throws<ArgumentException>(() => Store.Collection<Grievance>(GrievancesDefinition(UniqueCollectionName("bad")) with { CompoundIndexes = [["escalationLevel", "notes"]] }));
        Assert.Throws<ArgumentException>(() => Store.Collection<Grievance>(GrievancesDefinition(UniqueCollectionName("bad")) with { CompoundIndexes = [["escalationLevel"]] }));
    }

    // ---- outbox ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Claim_returns_messages_with_their_content_and_origin_oldest_first()
    {
        var first = Message("GrievanceReceived", T0);
        var second = Message("GrievanceReceived", T0.AddSeconds(1));
        var third = Message("GrievanceAcknowledged", T0.AddSeconds(2));
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [first], Ct);
        await Grievances.InsertAsync("g-2", Grievance("G-2"), [second], Ct);
        await Grievances.InsertAsync("g-3", Grievance("G-3"), [], Ct);
        await Grievances.ReplaceAsync("g-3", Grievance("G-3", status: GrievanceStatus.AwaitingResponse), 1, [third], Ct);

        var claimed = await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal([first.Id, second.Id, third.Id], claimed.Select(c => c.Message.Id));
        Assert.Equal(["g-1", "g-2", "g-3"], claimed.Select(c => c.DocumentId));
        Assert.All(claimed, c => Assert.Equal(Definition.Name, c.Collection));
        var read = claimed[2].Message;
        Assert.Equal((third.MessageType, third.Payload, third.CreatedAt), (read.MessageType, read.Payload, read.CreatedAt));
        Assert.Equal(third.Headers.OrderBy(h => h.Key), read.Headers.OrderBy(h => h.Key));
    }

    [Fact]
    public async Task Claimed_messages_are_hidden_from_another_claim_while_leased()
    {
        var messages = Enumerable.Range(0, 3).Select(i => Message("GrievanceReceived", T0.AddSeconds(i))).ToList();
        for (var i = 0; i < messages.Count; i++)
            await Grievances.InsertAsync($"g-{i}", Grievance($"G-{i}"), [messages[i]], Ct);

        var firstRelay = await Store.Outbox.ClaimAsync(2, TimeSpan.FromMinutes(1), Ct);
        var secondRelay = await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);
        var thirdRelay = await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal([messages[0].Id, messages[1].Id], firstRelay.Select(c => c.Message.Id));
        Assert.Equal([messages[2].Id], secondRelay.Select(c => c.Message.Id));
        Assert.Empty(thirdRelay);
    }

    [Fact]
    public async Task A_message_whose_lease_ended_can_be_claimed_again()
    {
        var message = Message("GrievanceReceived", T0);
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [message], Ct);

        // That it stays hidden while leased is shown with a long lease above; here only that the lease ends.
        var claimed = await Store.Outbox.ClaimAsync(10, TimeSpan.FromMilliseconds(200), Ct);
        var afterLease = await Eventually.MatchAsync(
            () => Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct), c => c.Count > 0, "the 200 ms lease ends");

        Assert.Equal([message.Id], claimed.Select(c => c.Message.Id));
        Assert.Equal([message.Id], afterLease.Select(c => c.Message.Id));
    }

    [Fact]
    public async Task A_relays_pass_marks_what_it_published_at_once_and_leaves_the_rest_of_the_outbox_alone()
    {
        var messages = Enumerable.Range(0, 5).Select(i => Message("GrievanceReceived", T0.AddSeconds(i))).ToList();
        for (var i = 0; i < messages.Count; i++) await Grievances.InsertAsync($"g-{i}", Grievance($"G-{i}"), [messages[i]], Ct);

        var claimed = await Store.Outbox.ClaimAsync(3, TimeSpan.FromMinutes(1), Ct);
        await Store.Outbox.MarkPublishedAsync(claimed, Ct);
        await Store.Outbox.MarkPublishedAsync(claimed, Ct); // idempotent
        await Store.Outbox.MarkPublishedAsync([], Ct);
        var rest = await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal(messages.Take(3).Select(m => m.Id), claimed.Select(c => c.Message.Id));
        Assert.Equal(messages.Skip(3).Select(m => m.Id), rest.Select(c => c.Message.Id));
        Assert.Equal(2, (await Store.Outbox.BacklogAsync(Ct)).Pending);
    }

    [Fact]
    public async Task A_published_message_is_never_claimed_again_and_marking_it_twice_is_harmless()
    {
        var published = Message("GrievanceReceived", T0);
        var pending = Message("GrievanceReceived", T0.AddSeconds(1));
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [published], Ct);
        await Grievances.InsertAsync("g-2", Grievance("G-2"), [pending], Ct);

        var claimed = await Store.Outbox.ClaimAsync(10, TimeSpan.FromMilliseconds(200), Ct);
        await Store.Outbox.MarkPublishedAsync(claimed[0], Ct);
        await Store.Outbox.MarkPublishedAsync(claimed[0], Ct);
        // Both leases end together; the unpublished message coming back shows the published one would have by now.
        var afterLease = await Eventually.MatchAsync(
            () => Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct), c => c.Count > 0, "the 200 ms lease ends");

        Assert.Equal([published.Id, pending.Id], claimed.Select(c => c.Message.Id));
        Assert.Equal([pending.Id], afterLease.Select(c => c.Message.Id));
        await Store.Outbox.MarkPublishedAsync(afterLease[0], Ct);
        Assert.Equal(2, await Grievances.CountAsync(Ct));
    }

    [Fact]
    public async Task A_later_message_of_a_document_waits_while_an_earlier_one_is_leased_and_they_go_out_in_order_once_released()
    {
        var first = Message("GrievanceReceived", T0);
        var second = Message("GrievanceAcknowledged", T0.AddSeconds(1));
        var other = Message("GrievanceReceived", T0.AddSeconds(2));
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [first], Ct);
        var claimedFirst = await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);
        // Written while the first is being published (and then fails): it must not overtake it.
        await Grievances.ReplaceAsync("g-1", Grievance("G-1", status: GrievanceStatus.AwaitingResponse), 1, [second], Ct);
        await Grievances.InsertAsync("g-2", Grievance("G-2"), [other], Ct);

        var whileLeased = await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);
        await Store.Outbox.ReleaseAsync(claimedFirst, DateTimeOffset.UtcNow.AddSeconds(-1), Ct);
        var afterRelease = await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal([first.Id], claimedFirst.Select(c => c.Message.Id));
        Assert.Equal([other.Id], whileLeased.Select(c => c.Message.Id));
        Assert.Equal([first.Id, second.Id], afterRelease.Select(c => c.Message.Id));
    }

    [Fact]
    public async Task A_dead_lettered_message_is_kept_with_its_reason_never_claimed_again_and_the_next_message_of_its_document_goes_on()
    {
        var broken = Message("GrievanceReceived", T0);
        var next = Message("GrievanceAcknowledged", T0.AddSeconds(1));
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [broken, next], Ct);
        var claimed = await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);

        await Store.Outbox.DeadLetterAsync(claimed[0], "message type 'Gone' is not known to this process", Ct);
        await Store.Outbox.DeadLetterAsync(claimed[0], "message type 'Gone' is not known to this process", Ct);
        await Store.Outbox.MarkPublishedAsync(claimed[1], Ct);

        Assert.Empty(await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct));
        var letter = Assert.Single(await Store.Outbox.DeadLettersAsync(10, Ct));
        Assert.Equal((broken.Id, broken.MessageType, broken.Payload), (letter.Message.Id, letter.Message.MessageType, letter.Message.Payload));
        Assert.Equal((Definition.Name, "g-1"), (letter.Collection, letter.DocumentId));
        Assert.Equal("message type 'Gone' is not known to this process", letter.Reason);
    }

    [Fact]
    public async Task The_backlog_counts_every_unpublished_message_leased_or_not_and_dates_the_oldest()
    {
        Assert.Equal(OutboxBacklog.Empty, await Store.Outbox.BacklogAsync(Ct));
        var first = Message("GrievanceReceived", T0);
        var second = Message("GrievanceAcknowledged", T0.AddSeconds(5));
        var third = Message("GrievanceReceived", T0.AddSeconds(9));
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [first, second], Ct);
        await Grievances.InsertAsync("g-2", Grievance("G-2"), [third], Ct);
        var claimed = await Store.Outbox.ClaimAsync(1, TimeSpan.FromMinutes(1), Ct);

        var backlog = await Store.Outbox.BacklogAsync(Ct);

        Assert.Equal(new OutboxBacklog(3, T0), backlog);
        Assert.Equal(TimeSpan.FromSeconds(60), backlog.OldestAge(T0.AddMinutes(1)));
        await Store.Outbox.MarkPublishedAsync(claimed[0], Ct);
        Assert.Equal(new OutboxBacklog(2, T0.AddSeconds(5)), await Store.Outbox.BacklogAsync(Ct));
        foreach (var rest in await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct)) await Store.Outbox.MarkPublishedAsync(rest, Ct);
        Assert.Equal(OutboxBacklog.Empty, await Store.Outbox.BacklogAsync(Ct));
        Assert.Equal(TimeSpan.Zero, OutboxBacklog.Empty.OldestAge(T0));
    }

    [Fact]
    public async Task A_conflicting_replace_adds_no_outbox_message_and_raises_no_MessagesAdded()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [], Ct);
        await Grievances.ReplaceAsync("g-1", Grievance("G-1", escalationLevel: 2), 1, [], Ct);
        var raised = 0;
        Store.Outbox.MessagesAdded += () => Interlocked.Increment(ref raised);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            Grievances.ReplaceAsync("g-1", Grievance("G-1", escalationLevel: 3), 1, [Message("GrievanceEscalated", T0)], Ct));

        Assert.Empty(await Store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct));
        Assert.Equal(0, raised);
    }

    [Fact]
    public async Task MessagesAdded_is_raised_once_the_write_is_committed_and_only_for_writes_with_messages()
    {
        var message = Message("GrievanceReceived", T0);
        var reminder = Message("GrievanceReminder", T0.AddSeconds(1));
        using var relay = new WakeUpRelay(Store.Outbox);

        await Grievances.InsertAsync("g-0", Grievance("G-0"), [], Ct);
        Assert.Empty(relay.Wakes);

        await Grievances.InsertAsync("g-1", Grievance("G-1"), [message], Ct);
        await Grievances.ReplaceAsync("g-1", Grievance("G-1", escalationLevel: 2), 1, [reminder], Ct);

        // The relay woken by each write already found that write's message: the event came after the commit.
        Assert.Collection(
            relay.Wakes,
            wake => Assert.Equal([message.Id], wake.Select(c => c.Message.Id)),
            wake => Assert.Equal([reminder.Id], wake.Select(c => c.Message.Id)));
    }

    /// <summary>A relay that claims and publishes as soon as it is told messages were added, as the real relay does.</summary>
    private sealed class WakeUpRelay : IDisposable
    {
        private readonly IOutbox _outbox;

        public WakeUpRelay(IOutbox outbox)
        {
            _outbox = outbox;
            _outbox.MessagesAdded += OnMessagesAdded;
        }

        public List<IReadOnlyList<PendingOutboxMessage>> Wakes { get; } = [];

        // Works synchronously inside the event so it observes the database exactly when the event is raised.
        private void OnMessagesAdded() => Wakes.Add(Task.Run(ClaimAndPublishAsync).GetAwaiter().GetResult());

        private async Task<IReadOnlyList<PendingOutboxMessage>> ClaimAndPublishAsync()
        {
            var claimed = await _outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), CancellationToken.None);
            foreach (var message in claimed) await _outbox.MarkPublishedAsync(message, CancellationToken.None);
            return claimed;
        }

        public void Dispose() => _outbox.MessagesAdded -= OnMessagesAdded;
    }

    // ---- queries ---------------------------------------------------------------------------------------------

    /// <summary>Five grievances received an hour apart (one with a +02:00 offset), in mixed states and wards.</summary>
    private async Task SeedAsync()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1", T0, GrievanceStatus.Received, 1, "ward-1"), [], Ct);
        await Grievances.InsertAsync("g-2", Grievance("G-2", T0.AddHours(1), GrievanceStatus.AwaitingResponse, 3, "ward-2"), [], Ct);
        await Grievances.InsertAsync("g-3", Grievance("G-3", T0.AddHours(2).ToOffset(TimeSpan.FromHours(2)), GrievanceStatus.Closed, 2, "ward-1"), [], Ct);
        await Grievances.InsertAsync("g-4", Grievance("G-4", T0.AddHours(3), GrievanceStatus.AwaitingResponse, 5, null), [], Ct);
        await Grievances.InsertAsync("g-5", Grievance("G-5", T0.AddHours(4), GrievanceStatus.Received, 4, "ward-2"), [], Ct);
    }

    private async Task<string[]> IdsAsync(DocumentQuery query) =>
        (await Grievances.QueryAsync(query, Ct)).Items.Select(i => i.Id).ToArray();

    [Fact]
    public async Task Query_filters_on_equal_enum_number_and_nested_values()
    {
        await SeedAsync();

        Assert.Equal(["g-2", "g-4"], await IdsAsync(new DocumentQuery { Filters = [FieldFilter.Eq("status", GrievanceStatus.AwaitingResponse)] }));
        Assert.Equal(["g-3"], await IdsAsync(new DocumentQuery { Filters = [FieldFilter.Eq("escalationLevel", 2)] }));
        Assert.Equal(["g-1", "g-3"], await IdsAsync(new DocumentQuery { Filters = [FieldFilter.Eq("patient.ward", "ward-1")] }));
        Assert.Empty(await IdsAsync(new DocumentQuery { Filters = [FieldFilter.Eq("patient.ward", "ward-9")] }));
    }

    [Fact]
    public async Task Query_filters_on_a_set_of_values()
    {
        await SeedAsync();

        Assert.Equal(["g-1", "g-3", "g-5"], await IdsAsync(new DocumentQuery { Filters = [FieldFilter.In("status", [GrievanceStatus.Received, GrievanceStatus.Closed])] }));
        Assert.Equal(["g-2", "g-4"], await IdsAsync(new DocumentQuery { Filters = [FieldFilter.In("escalationLevel", [3, 5, 7])] }));
        Assert.Empty(await IdsAsync(new DocumentQuery { Filters = [FieldFilter.In("status", [])] }));
    }

    /// <summary>A grievance as stored before <see cref="Grievance.Patient"/> existed: the field is absent, not null.</summary>
    private sealed record GrievanceBeforePatient(string Reference, GrievanceStatus Status, DateTimeOffset ReceivedAt, int EscalationLevel);

    [Fact]
    public async Task Query_filters_on_a_value_or_its_absence_for_documents_stored_before_the_field_existed()
    {
        await SeedAsync();
        await Store.Collection<GrievanceBeforePatient>(Definition)
            .InsertAsync("g-6", new GrievanceBeforePatient("G-6", GrievanceStatus.Received, T0.AddHours(5), 1), [], Ct);

        // g-1 and g-3 are on ward-1, g-4 has a null ward, g-6 no patient at all; g-2 and g-5 are on ward-2.
        Assert.Equal(["g-1", "g-3", "g-4", "g-6"], await IdsAsync(new DocumentQuery { Filters = [FieldFilter.MissingOrEq("patient.ward", "ward-1")] }));
        Assert.Equal(["g-1", "g-6"], await IdsAsync(new DocumentQuery
        {
            Filters = [FieldFilter.MissingOrEq("patient.ward", "ward-1"), FieldFilter.Eq("escalationLevel", 1)],
        }));
        Assert.Equal(["g-4", "g-6"], await IdsAsync(new DocumentQuery { Filters = [FieldFilter.MissingOrEq("patient.ward", "ward-9")] }));
        Assert.Equal(4, (await Grievances.QueryAsync(new DocumentQuery { Filters = [FieldFilter.MissingOrEq("patient.ward", "ward-1")], PageSize = 1 }, Ct)).Total);
    }

    [Fact]
    public async Task Query_filters_instants_by_range_whatever_their_offset()
    {
        await SeedAsync();
        // g-3 was received at 13:00+02:00, i.e. 11:00Z: inside [10:00Z, 12:00Z) even though its local clock said 13:00.
        var from = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.FromHours(2));
        var to = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

        var ids = await IdsAsync(new DocumentQuery { Filters = [FieldFilter.Gte("receivedAt", from), FieldFilter.Lt("receivedAt", to)] });

        Assert.Equal(["g-1", "g-2", "g-3"], await IdsAsync(new DocumentQuery { Filters = [FieldFilter.Lt("receivedAt", to)] }));
        Assert.Equal(["g-2", "g-3", "g-4", "g-5"], await IdsAsync(new DocumentQuery { Filters = [FieldFilter.Gte("receivedAt", from)] }));
        Assert.Equal(["g-2", "g-3"], ids);
    }

    [Fact]
    public async Task Query_combines_filters_on_different_fields()
    {
        await SeedAsync();

        var ids = await IdsAsync(new DocumentQuery
        {
            Filters = [FieldFilter.Eq("status", GrievanceStatus.Received), FieldFilter.Gte("escalationLevel", 2)],
        });

        Assert.Equal(["g-5"], ids);
    }

    [Fact]
    public async Task Query_sorts_ascending_and_descending()
    {
        await SeedAsync();

        Assert.Equal(["g-1", "g-2", "g-3", "g-4", "g-5"], await IdsAsync(new DocumentQuery { SortBy = "receivedAt" }));
        Assert.Equal(["g-5", "g-4", "g-3", "g-2", "g-1"], await IdsAsync(new DocumentQuery { SortBy = "receivedAt", Descending = true }));
        Assert.Equal(["g-4", "g-5", "g-2", "g-3", "g-1"], await IdsAsync(new DocumentQuery { SortBy = "escalationLevel", Descending = true }));
    }

    [Fact]
    public async Task Query_pages_and_reports_the_total_of_all_matches()
    {
        await SeedAsync();
        var query = new DocumentQuery { SortBy = "receivedAt", PageSize = 2 };

        var first = await Grievances.QueryAsync(query, Ct);
        var second = await Grievances.QueryAsync(query with { PageNumber = 2 }, Ct);
        var last = await Grievances.QueryAsync(query with { PageNumber = 3 }, Ct);
        var beyond = await Grievances.QueryAsync(query with { PageNumber = 4 }, Ct);
        var filtered = await Grievances.QueryAsync(query with { Filters = [FieldFilter.Eq("status", GrievanceStatus.Received)], PageSize = 1, PageNumber = 2 }, Ct);

        Assert.Equal(["g-1", "g-2"], first.Items.Select(i => i.Id));
        Assert.Equal((1, 2, 5L), (first.PageNumber, first.PageSize, first.Total));
        Assert.Equal(["g-3", "g-4"], second.Items.Select(i => i.Id));
        Assert.Equal((2, 5L), (second.PageNumber, second.Total));
        Assert.Equal(["g-5"], last.Items.Select(i => i.Id));
        Assert.Equal((3, 5L), (last.PageNumber, last.Total));
        Assert.Empty(beyond.Items);
        Assert.Equal(5L, beyond.Total);
        Assert.Equal(["g-5"], filtered.Items.Select(i => i.Id));
        Assert.Equal(2L, filtered.Total);
    }

    [Fact]
    public async Task Reading_a_whole_list_goes_past_one_page_in_sort_order()
    {
        var count = DocumentQuery.MaxPageSize * 2 + 7;
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var i in Enumerable.Range(0, count))
        {
            var status = i % 3 == 0 ? GrievanceStatus.Received : GrievanceStatus.AwaitingResponse;
            await Grievances.InsertAsync($"w-{i:D5}", new Grievance($"W-{i}", status, start.AddMinutes(count - i), 1, new PatientRef($"MRN-{i}", null)), [], Ct);
        }

        var all = await Grievances.ReadAllAsync(new DocumentQuery { SortBy = "receivedAt", PageSize = 3 }, Ct);
        var received = await Grievances.ReadAllAsync(new DocumentQuery { Filters = [FieldFilter.Eq("status", GrievanceStatus.Received)] }, Ct);

        Assert.Equal(Enumerable.Range(0, count).Reverse().Select(i => $"w-{i:D5}"), all.Select(d => d.Id));
        Assert.Equal(Enumerable.Range(0, count).Count(i => i % 3 == 0), received.Count);
    }

    [Fact]
    public async Task Query_returns_documents_with_their_versions()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [], Ct);
        await Grievances.ReplaceAsync("g-1", Grievance("G-1", status: GrievanceStatus.Closed), 1, [], Ct);

        var page = await Grievances.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq("status", GrievanceStatus.Closed)] }, Ct);

        Assert.Equal(new Stored<Grievance>("g-1", 2, Grievance("G-1", status: GrievanceStatus.Closed)), Assert.Single(page.Items));
    }

    [Fact]
    public async Task FindOne_returns_the_document_with_the_unique_value_or_null()
    {
        await SeedAsync();
        await Grievances.InsertAsync("g-6", Grievance("G-6", email: "found@example.org"), [], Ct);

        var found = await Grievances.FindOneAsync("contactEmail", "found@example.org", Ct);

        Assert.Equal("g-6", found?.Id);
        Assert.Null(await Grievances.FindOneAsync("contactEmail", "missing@example.org", Ct));
    }

    [Fact]
    public async Task Filtering_or_sorting_on_a_field_that_is_not_indexed_throws_ArgumentException()
    {
        await SeedAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Grievances.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq("notes", "x")] }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Grievances.QueryAsync(new DocumentQuery { SortBy = "reference" }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Grievances.FindOneAsync("reference", "G-1", Ct));
    }

    [Fact]
    public async Task Count_counts_the_documents_of_the_collection()
    {
        Assert.Equal(0, await Grievances.CountAsync(Ct));

        await SeedAsync();

        Assert.Equal(5, await Grievances.CountAsync(Ct));
    }

    [Fact]
    public async Task Ping_answers_true_when_the_database_is_reachable()
    {
        Assert.True(await Store.PingAsync(Ct));
    }
}
