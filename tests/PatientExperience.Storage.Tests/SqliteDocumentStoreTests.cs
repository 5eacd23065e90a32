using Microsoft.Data.Sqlite;
using PatientExperience.Storage.Sqlite;
using static PatientExperience.Storage.Tests.TestDocuments;

namespace PatientExperience.Storage.Tests;

/// <summary>The conformance suite on a private in-memory SQLite database (what services use in tests).</summary>
public sealed class SqliteInMemoryDocumentStoreTests : DocumentStoreConformanceTests
{
    protected override ValueTask<IDocumentStore> CreateStoreAsync() =>
        ValueTask.FromResult<IDocumentStore>(new SqliteDocumentStore("grievance", null));

    [Fact]
    public async Task Each_in_memory_store_is_a_database_of_its_own()
    {
        using var other = new SqliteDocumentStore("grievance", null);
        var otherGrievances = other.Collection<Grievance>(Definition);
        await other.InitializeAsync(Ct);

        await Grievances.InsertAsync("g-1", Grievance("G-1"), [Message("GrievanceReceived", T0)], Ct);

        Assert.Null(await otherGrievances.GetAsync("g-1", Ct));
        Assert.Empty(await other.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct));
    }

    [Fact]
    public async Task Writes_queued_when_the_store_is_disposed_fail_instead_of_waiting_for_ever()
    {
        // A host disposed while its bus still stops (the web test host does that): the write in progress ends, the writes
        // queued behind it fail when their turn comes, and whatever waits on them (a consumer, so the bus's stop) goes on.
        var store = new SqliteDocumentStore("grievance", null);
        var grievances = store.Collection<Grievance>(Definition);
        await store.InitializeAsync(Ct);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inProgress = store.WriteAsync(async (_, _) =>
        {
            holding.SetResult();
            await release.Task;
            return true;
        }, addsOutbox: false, Ct);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var queued = Enumerable.Range(0, 3).Select(i => grievances.InsertAsync($"g-{i}", Grievance($"G-{i}"), [], Ct)).ToList();

        store.Dispose();
        release.SetResult();

        await inProgress.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        foreach (var write in queued)
            await Assert.ThrowsAsync<ObjectDisposedException>(() => write.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => grievances.InsertAsync("g-late", Grievance("G-late"), [], Ct));
    }

    [Fact]
    public async Task A_lease_hides_a_message_until_it_ends_and_no_longer()
    {
        var clock = new ManualClock(T0);
        using var store = new SqliteDocumentStore("grievance", null) { Clock = clock };
        var grievances = store.Collection<Grievance>(Definition);
        await store.InitializeAsync(Ct);
        var message = Message("GrievanceReceived", T0);
        await grievances.InsertAsync("g-1", Grievance("G-1"), [message], Ct);

        var claimed = await store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);
        clock.Advance(TimeSpan.FromSeconds(59));
        var justBeforeTheEnd = await store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);
        clock.Advance(TimeSpan.FromSeconds(2));
        var justAfterTheEnd = await store.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal([message.Id], claimed.Select(c => c.Message.Id));
        Assert.Empty(justBeforeTheEnd);
        Assert.Equal([message.Id], justAfterTheEnd.Select(c => c.Message.Id));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

/// <summary>The conformance suite on a SQLite file (what services use when no MongoDB is configured).</summary>
public sealed class SqliteFileDocumentStoreTests : DocumentStoreConformanceTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pxp-storage-tests-").FullName;

    private string DatabasePath => Path.Combine(_directory, "grievance.db");

    protected override ValueTask<IDocumentStore> CreateStoreAsync() =>
        ValueTask.FromResult<IDocumentStore>(new SqliteDocumentStore("grievance", DatabasePath));

    protected override ValueTask DisposeStoreAsync(IDocumentStore store)
    {
        ((IDisposable)store).Dispose();
        // Pooled connections keep the file open; close them so the directory can go.
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Documents_outbox_and_indexes_survive_disposing_and_reopening_the_store()
    {
        var unpublished = Message("GrievanceAcknowledged", T0.AddMinutes(5));
        await Grievances.InsertAsync("g-1", Grievance("G-1", email: "kept@example.org"), [], Ct);
        await Grievances.ReplaceAsync("g-1", Grievance("G-1", status: GrievanceStatus.AwaitingResponse, email: "kept@example.org"), 1, [unpublished], Ct);
        ((IDisposable)Store).Dispose();
        SqliteConnection.ClearAllPools();

        using var reopened = new SqliteDocumentStore("grievance", DatabasePath);
        var grievances = reopened.Collection<Grievance>(Definition);
        await reopened.InitializeAsync(Ct);

        var stored = await grievances.GetAsync("g-1", Ct);
        Assert.Equal(new Stored<Grievance>("g-1", 2, Grievance("G-1", status: GrievanceStatus.AwaitingResponse, email: "kept@example.org")), stored);
        Assert.Equal("g-1", (await grievances.FindOneAsync("contactEmail", "kept@example.org", Ct))?.Id);
        await Assert.ThrowsAsync<DuplicateDocumentException>(() => grievances.InsertAsync("g-2", Grievance("G-2", email: "kept@example.org"), [], Ct));
        Assert.Equal([unpublished.Id], (await reopened.Outbox.ClaimAsync(10, TimeSpan.FromMinutes(1), Ct)).Select(c => c.Message.Id));
        Assert.True(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task A_filter_on_a_list_of_values_and_a_range_reads_through_their_compound_index()
    {
        var definition = GrievancesDefinition(UniqueCollectionName("compound")) with { CompoundIndexes = [["status", "receivedAt"]] };
        using var store = new SqliteDocumentStore("grievance", Path.Combine(_directory, "compound.db"));
        var grievances = store.Collection<Grievance>(definition);
        await store.InitializeAsync(Ct);
        for (var i = 0; i < 20; i++)
        {
            await grievances.InsertAsync($"g-{i}", Grievance($"G-{i}", receivedAt: T0.AddDays(i), status: i % 2 == 0 ? GrievanceStatus.Received : GrievanceStatus.Closed), [], Ct);
        }

        var query = new DocumentQuery { Filters = [FieldFilter.In("status", [GrievanceStatus.Received]), FieldFilter.Gte("receivedAt", T0.AddDays(10))] };
        var found = await grievances.ListIdsAsync(query, Ct);

        Assert.Equal(["g-10", "g-12", "g-14", "g-16", "g-18"], found);
        var database = Path.Combine(_directory, "compound.db");
        var plan = await PlanAsync(database, definition.Name, query, orderBy: null);
        Assert.Contains(plan, step => step.Contains($"cx_{definition.Name}_status__receivedAt", StringComparison.Ordinal));
        var names = await ColumnAsync(database, cmd => cmd.CommandText = $"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{definition.Name}'");

        // The compound index serves status alone too: status has no index of its own; the other fields keep theirs.
        Assert.DoesNotContain($"ix_{definition.Name}_status", names);
        Assert.Contains($"ix_{definition.Name}_receivedAt", names);
    }

    [Fact]
    public async Task A_page_in_id_order_reads_the_matches_through_the_filters_index_not_the_whole_table()
    {
        for (var i = 0; i < 30; i++) await Grievances.InsertAsync($"g-{i:D2}", Grievance($"G-{i}", receivedAt: T0.AddDays(i)), [], Ct);
        var query = new DocumentQuery { Filters = [FieldFilter.Gte("receivedAt", T0.AddDays(27))], PageSize = 2, PageNumber = 1 };

        var page = await Grievances.QueryAsync(query, Ct);

        Assert.Equal(3, page.Total);
        Assert.Equal(["g-27", "g-28"], page.Items.Select(i => i.Id));
        var plan = await PlanAsync(DatabasePath, Definition.Name, query, SqliteDocumentCollection<Grievance>.OrderBy(query));
        Assert.Contains(plan, step => step.Contains($"ix_{Definition.Name}_receivedAt", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
    }

    /// <summary>The steps of SQLite's plan for the query's filters, as the adapter writes them.</summary>
    private static Task<List<string>> PlanAsync(string database, string table, DocumentQuery query, string? orderBy) =>
        ColumnAsync(database, cmd =>
        {
            var where = SqliteDocumentCollection<Grievance>.BuildWhere(query, cmd);
            cmd.CommandText = $"EXPLAIN QUERY PLAN SELECT id FROM \"{table}\"{where}{(orderBy is null ? "" : $" ORDER BY {orderBy}")}";
        }, column: 3);

    /// <summary>One text column of every row a statement on the database file returns.</summary>
    private static async Task<List<string>> ColumnAsync(string database, Action<SqliteCommand> prepare, int column = 0)
    {
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync(Ct);
        await using var cmd = connection.CreateCommand();
        prepare(cmd);
        var values = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) values.Add(reader.GetString(column));
        return values;
    }

    [Fact]
    public async Task The_store_connections_checkpoint_the_write_ahead_log_at_the_configured_size()
    {
        using var configured = new SqliteDocumentStore("grievance", Path.Combine(_directory, "checkpoint.db"), walCheckpointPages: 2048);
        await configured.InitializeAsync(Ct);

        Assert.Equal(StorageOptions.DefaultSqliteWalCheckpointPages, await PragmaAsync((SqliteDocumentStore)Store));
        Assert.Equal(2048, await PragmaAsync(configured));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteDocumentStore("grievance", Path.Combine(_directory, "none.db"), walCheckpointPages: 0));

        static async Task<long> PragmaAsync(SqliteDocumentStore store)
        {
            await using var connection = await store.OpenAsync(Ct);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA wal_autocheckpoint";
            return (long)(await cmd.ExecuteScalarAsync(Ct))!;
        }
    }

    [Fact]
    public async Task Initializing_twice_keeps_the_data()
    {
        await Grievances.InsertAsync("g-1", Grievance("G-1"), [], Ct);

        await Store.InitializeAsync(Ct);

        Assert.Equal(1, await Grievances.CountAsync(Ct));
    }
}
