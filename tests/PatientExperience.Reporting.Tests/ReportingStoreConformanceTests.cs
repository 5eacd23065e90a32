using DotNet.Testcontainers.Builders;
using MongoDB.Driver;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Reporting.Kpis;
using PatientExperience.Reporting.Projections;
using PatientExperience.Storage;
using PatientExperience.Storage.Mongo;
using PatientExperience.Storage.Sqlite;
using Testcontainers.MongoDb;

namespace PatientExperience.Reporting.Tests;

/// <summary>
/// The reporting store's guarantees, run against every adapter of the storage port: a repeated merge changes nothing, a
/// subject that moves (its place known only later) leaves no count behind, concurrent merges of one subject converge, and
/// clearing empties every read model.
/// </summary>
public abstract class ReportingStoreConformanceTests : IAsyncLifetime
{
    private static readonly DateOnly March10 = new(2026, 3, 10);
    private static readonly DateTimeOffset Opened = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);

    protected abstract ValueTask<IDocumentStore?> CreateStoreAsync();

    private IDocumentStore _documents = null!;
    private ReportingStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _documents = await CreateStoreAsync() ?? throw new InvalidOperationException("no store");
        foreach (var d in ReportingStore.AllDefinitions) _documents.Collection<object>(d);
        await _documents.InitializeAsync(Ct);
        _store = new ReportingStore(_documents);
    }

    public ValueTask DisposeAsync()
    {
        (_documents as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task<bool> MergeAsync(string caseId, Action<CaseFact> apply) =>
        _store.ProjectAsync(ReportingStore.Cases, caseId, f =>
        {
            var fact = f ?? new CaseFact { CaseId = caseId, FacilityId = "riverside" };
            apply(fact);
            return fact;
        }, Ct);

    private static void Open(CaseFact f)
    {
        f.DepartmentId = "emergency";
        f.UnitId = "ed-adult";
        f.Classification = CaseType.Complaint;
        f.Severity = Severity.High;
        f.OpenedAt = Opened;
    }

    private async Task<List<ReportDay>> DaysAsync()
    {
        var days = new List<ReportDay>();
        await foreach (var d in _store.DaysAsync(new ReportScope(["riverside"]), March10, March10, Ct)) days.Add(d);
        return days;
    }

    [Fact]
    public async Task Merging_the_same_event_again_changes_nothing()
    {
        Assert.True(await MergeAsync("c1", Open));
        Assert.False(await MergeAsync("c1", Open));

        var day = Assert.Single(await DaysAsync());
        Assert.Equal((1L, 1L, 1), (day.Totals.All.CasesOpened, day.Totals.All.ComplaintCases, day.Totals.Subjects));
        Assert.Equal(1, day.Totals.BySeverity["high"].CasesOpened);
    }

    [Fact]
    public async Task A_subject_whose_place_arrives_later_moves_and_leaves_no_count_behind()
    {
        // The acknowledgement overtakes CaseOpened: it counts under no unit until the case's place is known.
        await MergeAsync("c2", f => f.FirstAcknowledgedAt = Opened.AddHours(1));
        Assert.Equal([(null, 1L)], (await DaysAsync()).Select(d => (d.UnitId, d.Totals.All.Acknowledged)));

        await MergeAsync("c2", Open);

        var days = await DaysAsync();
        Assert.Equal(0, days.Single(d => d.UnitId is null).Totals.Subjects);
        var unit = days.Single(d => d.UnitId == "ed-adult").Totals.All;
        Assert.Equal((1L, 1L), (unit.CasesOpened, unit.Acknowledged));
        Assert.InRange(unit.AcknowledgeSeconds!.Percentile(0.5)!.Value, 3510, 3690); // an hour, within 2.5%
    }

    [Fact]
    public async Task Concurrent_merges_of_one_subject_all_count()
    {
        await Task.WhenAll(
            MergeAsync("c3", Open),
            MergeAsync("c3", f => f.FirstAcknowledgedAt = ReportFact.Earliest(f.FirstAcknowledgedAt, Opened.AddHours(2))),
            MergeAsync("c3", f => f.EscalatedToDepartmentAt = Opened.AddHours(1)),
            MergeAsync("c3", f => f.FirstResolvedAt = Opened.AddHours(5)),
            MergeAsync("c3", f => f.LastResolvedAt = Opened.AddHours(5)),
            MergeAsync("c3", f => f.AcknowledgeBreachedAt = Opened.AddHours(1)));

        var all = Assert.Single(await DaysAsync(), d => d.Totals.Subjects > 0).Totals.All;
        Assert.Equal((1L, 1L, 1L, 1L, 1L, 0L), (all.CasesOpened, all.Acknowledged, all.Resolved, all.EscalatedToDepartment, all.AcknowledgedLate, all.AcknowledgedOnTime));
        Assert.Equal(0, await OpenAtAsync(new ReportScope(["riverside"]), Opened.AddHours(6)));
        Assert.Equal(1, await OpenAtAsync(new ReportScope(["riverside"]), Opened.AddHours(4)));
        // Counted by when it opened: in [opened, at), not before it, not after.
        var at = Opened.AddHours(4);
        Assert.Equal(1, await _store.CountOpenCasesAtAsync(new ReportScope(["riverside"]), at, Opened, Opened.AddTicks(1), Ct));
        Assert.Equal(0, await _store.CountOpenCasesAtAsync(new ReportScope(["riverside"]), at, null, Opened, Ct));
        Assert.Equal(0, await _store.CountOpenCasesAtAsync(new ReportScope(["riverside"]), at, Opened.AddTicks(1), at, Ct));
        Assert.Equal(0, await _store.CountOpenCasesAtAsync(new ReportScope(["elsewhere"]), at, null, at, Ct));
    }

    /// <summary>The cases of the scope open at the instant, whenever they opened before it.</summary>
    private Task<long> OpenAtAsync(ReportScope scope, DateTimeOffset at) => _store.CountOpenCasesAtAsync(scope, at, null, at, Ct);

    private static ReportingStore.PendingProjection Event(string caseId, Action<CaseFact> apply) =>
        new ReportingStore.PendingProjection<CaseFact>(ReportingStore.Cases, caseId, f =>
        {
            var fact = f ?? new CaseFact { CaseId = caseId, FacilityId = "riverside" };
            apply(fact);
            return fact;
        });

    [Fact]
    public async Task A_batch_holding_several_events_of_one_subject_out_of_order_and_duplicated_counts_each_once()
    {
        // As the bus hands them in together: c10's acknowledgement before its opening (its place arrives in the same batch), an
        // opening twice; two other cases on the same unit-day.
        ReportingStore.PendingProjection[] batch =
        [
            Event("c10", f => f.FirstAcknowledgedAt = ReportFact.Earliest(f.FirstAcknowledgedAt, Opened.AddHours(1))),
            Event("c11", Open),
            Event("c10", Open),
            Event("c12", Open),
            Event("c10", f => f.EscalatedToDepartmentAt = ReportFact.Earliest(f.EscalatedToDepartmentAt, Opened.AddHours(2))),
            Event("c11", f => f.FirstAcknowledgedAt = ReportFact.Earliest(f.FirstAcknowledgedAt, Opened.AddHours(3))),
            Event("c10", Open),
            Event("c10", f => f.FirstResolvedAt = f.LastResolvedAt = Opened.AddHours(4)),
        ];
        await _store.ProjectBatchAsync(batch, Ct);

        Assert.All(batch, p => Assert.True(p.Changed));
        var days = await DaysAsync();
        Assert.DoesNotContain(days, d => d.UnitId is null && d.Totals.Subjects > 0);
        var unit = days.Single(d => d.UnitId == "ed-adult").Totals;
        Assert.Equal((3, 3L, 2L, 1L, 1L), (unit.Subjects, unit.All.CasesOpened, unit.All.Acknowledged, unit.All.EscalatedToDepartment, unit.All.Resolved));
        Assert.Equal(["c11", "c12"], (await _store.OpenCaseFactsAtAsync(new ReportScope(["riverside"]), Opened.AddHours(5), Ct)).Select(c => c.CaseId).Order());

        // The same events again, as a redelivered batch: nothing changes.
        ReportingStore.PendingProjection[] again = [Event("c11", Open), Event("c10", Open), Event("c12", Open)];
        await _store.ProjectBatchAsync(again, Ct);
        Assert.All(again, p => Assert.False(p.Changed));
        Assert.Equal(unit.All.CasesOpened, (await DaysAsync()).Single(d => d.UnitId == "ed-adult").Totals.All.CasesOpened);
    }

    private async Task<string> DaySumAsync(DateOnly from, DateOnly to)
    {
        var sum = new Measures();
        await foreach (var d in _store.DaysAsync(new ReportScope(["riverside"]), from, to, Ct)) sum.Add(d.Totals.All);
        return System.Text.Json.JsonSerializer.Serialize(sum);
    }

    private async Task<string> TotalSumAsync(DateOnly from, DateOnly to) =>
        System.Text.Json.JsonSerializer.Serialize(await _store.TotalsAsync(new ReportScope(["riverside"]), from, to, Ct));

    /// <summary>Cases opened from 20 February to 10 April, acknowledged, some resolved or moved to their unit later, in shuffled batches.</summary>
    private Task ProjectSpringAsync(int seed) => ProjectSpringAsync(_store, seed, seed);

    /// <param name="seed">Names the cases: the same seed, the same history.</param>
    /// <param name="order">Shuffles the events and cuts the batches.</param>
    private static async Task ProjectSpringAsync(ReportingStore store, int seed, int order)
    {
        var random = new Random(order);
        var events = new List<ReportingStore.PendingProjection>();
        for (var i = 0; i < 80; i++)
        {
            var id = $"s{seed}-{i}";
            var opened = new DateTimeOffset(2026, 2, 20, 9, 0, 0, TimeSpan.Zero).AddHours(i * 12.5);
            var unit = i % 3 == 0 ? "ed-peds" : "ed-adult";
            events.Add(Event(id, f => { f.DepartmentId = "emergency"; f.UnitId = unit; f.Classification = i % 2 == 0 ? CaseType.Complaint : CaseType.Grievance; f.Severity = Severity.Medium; f.OpenedAt = opened; }));
            events.Add(Event(id, f => f.FirstAcknowledgedAt = ReportFact.Earliest(f.FirstAcknowledgedAt, opened.AddHours(20 + i % 7))));
            if (i % 4 == 0) events.Add(Event(id, f => f.FirstResolvedAt = f.LastResolvedAt = opened.AddDays(3)));
            if (i % 5 == 0) events.Add(Event(id, f => f.EscalatedToDepartmentAt = ReportFact.Earliest(f.EscalatedToDepartmentAt, opened.AddHours(30))));
        }

        var shuffled = events.OrderBy(_ => random.Next()).ToList();
        for (var at = 0; at < shuffled.Count;)
        {
            var size = random.Next(1, 40);
            await store.ProjectBatchAsync(shuffled.Skip(at).Take(size).ToList(), Ct);
            at += size;
        }
    }

    [Fact]
    public async Task Replicas_projecting_the_same_history_at_once_in_different_batches_count_every_event_once()
    {
        // Two reporting processes on one store, both given every event (a redelivery to the other replica), in their own
        // order and batches: their facts, days and months collide and are written again, never counted twice.
        var replica = new ReportingStore(_documents);
        await Task.WhenAll(
            Task.Run(() => ProjectSpringAsync(_store, seed: 21, order: 1), Ct),
            Task.Run(() => ProjectSpringAsync(replica, seed: 21, order: 2), Ct),
            Task.Run(() => ProjectSpringAsync(_store, seed: 21, order: 3), Ct));

        var spring = await _store.TotalsAsync(new ReportScope(["riverside"]), new(2026, 2, 1), new(2026, 4, 30), Ct);
        Assert.Equal((80L, 80L, 20L, 16L), (spring.CasesOpened, spring.Acknowledged, spring.Resolved, spring.EscalatedToDepartment));
        Assert.Equal(await DaySumAsync(new(2026, 3, 1), new(2026, 3, 31)), await TotalSumAsync(new(2026, 3, 1), new(2026, 3, 31)));
    }

    [Fact]
    public async Task Whole_months_read_from_the_unit_months_give_the_same_totals_as_their_days()
    {
        await ProjectSpringAsync(seed: 11);

        Assert.Equal(await DaySumAsync(new(2026, 3, 1), new(2026, 3, 31)), await TotalSumAsync(new(2026, 3, 1), new(2026, 3, 31)));
        // Ragged ends: days before and after the whole month.
        Assert.Equal(await DaySumAsync(new(2026, 2, 20), new(2026, 4, 10)), await TotalSumAsync(new(2026, 2, 20), new(2026, 4, 10)));
        Assert.Equal(await DaySumAsync(new(2026, 3, 5), new(2026, 3, 9)), await TotalSumAsync(new(2026, 3, 5), new(2026, 3, 9)));
        Assert.Contains("\"CasesOpened\":", await TotalSumAsync(new(2026, 3, 1), new(2026, 3, 31)));
    }

    [Fact]
    public async Task A_batch_whose_write_died_before_committing_leaves_nothing_half_counted_and_its_redelivery_counts_once()
    {
        // The process dies in the atomic write of entries and totals (after the facts were written): nothing of it is stored.
        var dying = new ReportingStore(new DyingStore(_documents));
        await Assert.ThrowsAsync<IOException>(() => ProjectSpringAsync(dying, seed: 12, order: 12));
        Assert.Equal(0, (await _store.TotalsAsync(new ReportScope(["riverside"]), new(2026, 2, 1), new(2026, 4, 30), Ct)).CasesOpened);

        // The broker redelivers every event: the facts are already there, the entries and totals are written now, once.
        await ProjectSpringAsync(seed: 12);

        var spring = await _store.TotalsAsync(new ReportScope(["riverside"]), new(2026, 2, 1), new(2026, 4, 30), Ct);
        Assert.Equal((80L, 80L, 20L, 16L), (spring.CasesOpened, spring.Acknowledged, spring.Resolved, spring.EscalatedToDepartment));
        Assert.Equal(await DaySumAsync(new(2026, 3, 1), new(2026, 3, 31)), await TotalSumAsync(new(2026, 3, 1), new(2026, 3, 31)));
    }

    /// <summary>A store whose first atomic write dies before it commits (as a process killed mid-write).</summary>
    private sealed class DyingStore(IDocumentStore inner) : IDocumentStore
    {
        private int _writes;

        public string Name => inner.Name;
        public IOutbox Outbox => inner.Outbox;
        public IDocumentCollection<T> Collection<T>(CollectionDefinition definition) where T : class => inner.Collection<T>(definition);
        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);
        public Task<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        public Task<bool> TryWriteAllAsync(IReadOnlyList<CollectionWrite> writes, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _writes) == 1 ? throw new IOException("The process died.") : inner.TryWriteAllAsync(writes, cancellationToken);
    }

    [Fact]
    public async Task Every_days_totals_equal_its_entries_summed_afresh_after_moves_duplicates_and_shuffled_batches()
    {
        await ProjectSpringAsync(seed: 15);
        // Cases whose place arrives late (counted under no unit first), then moved again to another unit.
        for (var i = 0; i < 6; i++)
        {
            var id = $"moving-{i}";
            await MergeAsync(id, f => f.FirstAcknowledgedAt = Opened.AddHours(i));
            await MergeAsync(id, Open);
            await MergeAsync(id, f => f.UnitId = i % 2 == 0 ? "ed-peds" : "ed-adult");
            await MergeAsync(id, f => f.UnitId = i % 2 == 0 ? "ed-peds" : "ed-adult");
        }

        var entries = new List<Stored<DayEntry>>();
        var collection = _documents.Collection<DayEntry>(ReportingStore.DayEntriesDefinition);
        for (var page = 1; ; page++)
        {
            var result = await collection.QueryAsync(new DocumentQuery { PageNumber = page, PageSize = DocumentQuery.MaxPageSize }, Ct);
            entries.AddRange(result.Items);
            if (result.Items.Count < DocumentQuery.MaxPageSize) break;
        }

        var days = new List<ReportDay>();
        await foreach (var d in _store.DaysAsync(new ReportScope(["riverside"]), new(2026, 2, 1), new(2026, 4, 30), Ct)) days.Add(d);
        Assert.Contains(entries, e => e.Document.Measures is null); // the moves left tombstones
        foreach (var day in days)
        {
            var id = new DayKey(day.FacilityId, day.DepartmentId, day.UnitId, DateOnly.ParseExact(day.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Id;
            var afresh = DayTotals.Of(entries.Where(e => e.Id.StartsWith(id + "#", StringComparison.Ordinal)).Select(e => e.Document));
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.JsonSerializer.SerializeToNode(afresh), System.Text.Json.JsonSerializer.SerializeToNode(day.Totals)), id);
        }

        Assert.Equal(86, days.Sum(d => d.Totals.All.CasesOpened));
    }

    [Fact]
    public async Task Days_written_by_an_earlier_version_with_their_entries_inside_are_moved_and_then_counted_once()
    {
        // An earlier version kept each subject's entry inside its day: c20 and c21 opened, c20 acknowledged.
        await MergeAsync("c20", Open);
        await MergeAsync("c20", f => f.FirstAcknowledgedAt = Opened.AddHours(1));
        await MergeAsync("c21", Open);
        var entryDocs = _documents.Collection<DayEntry>(ReportingStore.DayEntriesDefinition);
        var dayId = new DayKey("riverside", "emergency", "ed-adult", March10).Id;
        var legacyDays = _documents.Collection<System.Text.Json.Nodes.JsonObject>(ReportingStore.DaysDefinition);
        var day = (await legacyDays.GetAsync(dayId, Ct))!;
        var entries = (await entryDocs.GetManyAsync([DayEntry.IdOf(dayId, "case:c20"), DayEntry.IdOf(dayId, "case:c21")], Ct)).ToList();
        foreach (var e in entries) Assert.True(await entryDocs.DeleteAsync(e.Id, null, Ct));
        day.Document[LegacyDayEntries.EntriesField] = System.Text.Json.JsonSerializer.SerializeToNode(
            entries.ToDictionary(e => e.Id[(dayId.Length + 1)..], e => e.Document), StoreJson.Options);
        await legacyDays.ReplaceAsync(dayId, day.Document, day.Version, [], Ct);

        var migration = new LegacyDayEntries(_documents, Microsoft.Extensions.Logging.Abstractions.NullLogger<LegacyDayEntries>.Instance);
        Assert.Equal(1, await migration.MoveAsync(Ct));
        Assert.Equal(0, await migration.MoveAsync(Ct));

        // A redelivered opening changes nothing; c21's acknowledgement counts once.
        Assert.False(await MergeAsync("c21", Open));
        await MergeAsync("c21", f => f.FirstAcknowledgedAt = Opened.AddHours(2));
        var totals = (await DaysAsync()).Single(d => d.UnitId == "ed-adult").Totals;
        Assert.Equal((2, 2L, 2L), (totals.Subjects, totals.All.CasesOpened, totals.All.Acknowledged));
        Assert.False((await legacyDays.GetAsync(dayId, Ct))!.Document.ContainsKey(LegacyDayEntries.EntriesField));
    }

    [Fact]
    public async Task A_units_whole_months_are_read_from_its_unit_months_and_agree_with_its_days()
    {
        await ProjectSpringAsync(seed: 14);
        var unit = new ReportScope(["riverside"], "emergency", "ed-adult");

        var days = new Measures();
        await foreach (var d in _store.DaysAsync(unit, new(2026, 2, 1), new(2026, 4, 30), Ct)) days.Add(d.Totals.All);
        var totals = await _store.TotalsAsync(unit, new(2026, 2, 1), new(2026, 4, 30), Ct);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(days), System.Text.Json.JsonSerializer.Serialize(totals));
        Assert.InRange(totals.CasesOpened, 1, (await _store.TotalsAsync(new ReportScope(["riverside"]), new(2026, 2, 1), new(2026, 4, 30), Ct)).CasesOpened - 1);
    }

    [Fact]
    public async Task The_open_cases_of_every_facility_are_counted_facility_by_facility_and_add_up()
    {
        await MergeAsync("r1", Open);
        await MergeAsync("r2", Open);
        await _store.ProjectAsync(ReportingStore.Cases, "h1", f =>
        {
            var fact = f ?? new CaseFact { CaseId = "h1", FacilityId = "hillcrest" };
            Open(fact);
            return fact;
        }, Ct);
        await MergeAsync("r2", f => f.FirstResolvedAt = f.LastResolvedAt = Opened.AddHours(2));

        Assert.Equal(["hillcrest", "riverside"], (await _store.FacilitiesAsync(Ct)).Order(StringComparer.Ordinal));
        var at = Opened.AddHours(3);
        Assert.Equal(2, await OpenAtAsync(new ReportScope(null), at));
        Assert.Equal(3, await OpenAtAsync(new ReportScope(null), Opened.AddHours(1)));
        Assert.Equal(1, await OpenAtAsync(new ReportScope(["riverside"]), at));
        Assert.Equal(2, await _store.CountOpenCasesAtAsync(new ReportScope(null, "emergency", "ed-adult"), at, Opened, at, Ct));
        Assert.Equal(0, await _store.CountOpenCasesAtAsync(new ReportScope(null, "emergency", "ed-peds"), at, null, at, Ct));
    }

    [Fact]
    public async Task Clearing_empties_every_read_model()
    {
        await MergeAsync("c4", Open);
        await _store.ClearAsync(Ct);
        Assert.Empty(await DaysAsync());
        Assert.Equal(0, await OpenAtAsync(new ReportScope(null), Opened.AddDays(1)));
    }

    [Fact]
    public async Task A_period_of_more_unit_days_than_one_page_is_read_whole_and_once()
    {
        // 1,300 unit-days (13 units over 100 days) with one discharge each: more than a page (1,000) of the store.
        for (var d = 0; d < 100; d++)
            for (var u = 0; u < 13; u++)
            {
                var id = $"d{d}-{u}";
                await _store.ProjectAsync(ReportingStore.Discharges, id, f => f ?? new DischargeFact
                {
                    DischargeId = id, FacilityId = "riverside", DepartmentId = "medicine", UnitId = $"unit-{u}", DischargedAt = Opened.AddDays(d),
                }, Ct);
            }

        var days = new List<ReportDay>();
        await foreach (var day in _store.DaysAsync(ReportScope.Facility("riverside"), March10, March10.AddDays(99), Ct)) days.Add(day);
        Assert.Equal(1300, days.Count);
        Assert.Equal(1300, days.Select(x => (x.UnitId, x.Day)).Distinct().Count());
        Assert.Equal(1300, days.Sum(x => x.Totals.All.Discharges));

        var some = new List<ReportDay>();
        await foreach (var day in _store.DaysAsync(ReportScope.Facility("riverside"), March10.AddDays(10), March10.AddDays(89), Ct)) some.Add(day);
        Assert.Equal(80 * 13, some.Count);
    }

    [Fact]
    public async Task A_governance_pack_is_stored_once_per_facility_and_month_listed_without_its_renderings_and_kept_by_a_rebuild()
    {
        var packs = new Governance.GovernancePackStore(_documents);
        Governance.StoredGovernancePack Pack(string facility, string month) =>
            new() { FacilityId = facility, Month = month, GeneratedAt = Opened, Html = "<p>pack</p>", Pdf = [0x25, 0x50, 0x44, 0x46] };

        Assert.True(await packs.TryAddAsync(Pack("riverside", "2026-02"), Ct));
        Assert.True(await packs.TryAddAsync(Pack("riverside", "2026-03"), Ct));
        Assert.True(await packs.TryAddAsync(Pack("hillcrest", "2026-03"), Ct));
        Assert.False(await packs.TryAddAsync(Pack("riverside", "2026-03"), Ct));
        await _store.ClearAsync(Ct);

        Assert.Equal(["2026-03-riverside", "2026-02-riverside"], (await packs.ListAsync(["riverside"], Ct)).Select(e => e.Id));
        Assert.Equal(3, (await packs.ListAsync(null, Ct)).Count);
        var stored = await packs.GetAsync("2026-03-riverside", Ct);
        Assert.Equal(("riverside", "2026-03", Opened, "<p>pack</p>"), (stored!.FacilityId, stored.Month, stored.GeneratedAt, stored.Html));
        Assert.Equal([0x25, 0x50, 0x44, 0x46], stored.Pdf);
        Assert.Null(await packs.GetAsync("2026-01-riverside", Ct));
    }
}

public sealed class SqliteReportingStoreTests : ReportingStoreConformanceTests
{
    protected override ValueTask<IDocumentStore?> CreateStoreAsync() => ValueTask.FromResult<IDocumentStore?>(new SqliteDocumentStore("reporting", null));
}

public sealed class MongoReportingStoreTests(MongoDatabaseFixture mongo) : ReportingStoreConformanceTests, IClassFixture<MongoDatabaseFixture>
{
    protected override ValueTask<IDocumentStore?> CreateStoreAsync()
    {
        if (mongo.Database is null) Assert.Skip(mongo.SkipReason ?? "MongoDB unavailable");
        return ValueTask.FromResult<IDocumentStore?>(new MongoDocumentStore("reporting", mongo.Client!.GetDatabase($"pxp-reporting-tests-{Guid.NewGuid():N}")));
    }
}

/// <summary>A MongoDB server from Testcontainers when a Docker engine answers, else from <c>MONGODB_URI</c>, else none (the tests skip and say why).</summary>
public sealed class MongoDatabaseFixture : IAsyncLifetime
{
    private MongoDbContainer? _container;

    public MongoClient? Client { get; private set; }

    public IMongoDatabase? Database { get; private set; }

    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        string? uri = null;
        try
        {
            _container = new MongoDbBuilder("mongo:8.0").WithReplicaSet().Build();
            using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await _container.StartAsync(startup.Token);
            uri = _container.GetConnectionString();
        }
        catch (DockerUnavailableException)
        {
            uri = Environment.GetEnvironmentVariable("MONGODB_URI");
        }

        if (string.IsNullOrWhiteSpace(uri))
        {
            SkipReason = "MongoDB unavailable: no Docker engine and MONGODB_URI not set";
            return;
        }

        var settings = MongoClientSettings.FromConnectionString(uri);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        Client = new MongoClient(settings);
        Database = Client.GetDatabase("admin");
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
    }
}
