using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using PatientExperience.Reporting.Kpis;
using PatientExperience.Storage;

namespace PatientExperience.Reporting.Projections;

/// <summary>A collection of facts of one kind, and the prefix of their entries in the days they count in.</summary>
public sealed record FactCollection<TFact>(CollectionDefinition Definition, string EntryPrefix) where TFact : ReportFact;

/// <summary>
/// The reporting service's port over its own store: facts per subject, their entries in the unit-days they count in, and the
/// days' and months' totals. Writes go through <see cref="ProjectAsync{TFact}"/> only; queries read the totals of days (a
/// year of one facility is a few thousand rows) and months and, for the backlog, the cases open at an instant.
/// </summary>
public sealed class ReportingStore([FromKeyedServices(ReportingModule.ServiceName)] IDocumentStore store)
{
    private const int MaxAttempts = 50;

    public static readonly CollectionDefinition DaysDefinition = new("report_days")
    {
        IndexedFields = ["facilityId", "day", "departmentId", "unitId"], CompoundIndexes = [["facilityId", "day"]],
    };

    /// <summary>
    /// Each subject's contribution to each day it counts in (<see cref="DayEntry"/>), one document each, read and written by id
    /// only: what the days' totals are kept from.
    /// </summary>
    public static readonly CollectionDefinition DayEntriesDefinition = new("report_day_entries");

    /// <summary>Each unit's months: the sums of its days (<see cref="ReportMonth"/>), what a query over whole months reads.</summary>
    public static readonly CollectionDefinition MonthsDefinition = new("report_months")
    {
        IndexedFields = ["facilityId", "month", "departmentId", "unitId"], CompoundIndexes = [["facilityId", "month"]],
    };

    /// <summary>
    /// Each facility's months: the sums of its unit-months (<see cref="ReportFacilityMonth"/>), what a query over whole months of
    /// whole facilities reads (a year of one facility is 12 rows instead of one per unit and month).
    /// </summary>
    public static readonly CollectionDefinition FacilityMonthsDefinition = new("report_facility_months")
    {
        IndexedFields = ["facilityId", "month"], CompoundIndexes = [["facilityId", "month"]],
    };

    public static readonly FactCollection<CaseFact> Cases =
        new(new CollectionDefinition("report_cases")
        {
            // The backlog counts open cases by when they opened from this index alone, reading no fact.
            IndexedFields = ["facilityId", "openUntil", "openedAt", "departmentId", "unitId"], CompoundIndexes = [["facilityId", "openUntil", "openedAt"]],
        }, "case");

    public static readonly FactCollection<SubmissionFact> Submissions = new(new CollectionDefinition("report_submissions"), "submission");
    public static readonly FactCollection<DischargeFact> Discharges = new(new CollectionDefinition("report_discharges"), "discharge");
    public static readonly FactCollection<InvitationFact> Invitations = new(new CollectionDefinition("report_invitations"), "invitation");
    public static readonly FactCollection<DeliveryFact> Deliveries = new(new CollectionDefinition("report_deliveries"), "delivery");

    public static IEnumerable<CollectionDefinition> Definitions =>
        [DaysDefinition, DayEntriesDefinition, MonthsDefinition, FacilityMonthsDefinition, Cases.Definition, Submissions.Definition, Discharges.Definition, Invitations.Definition, Deliveries.Definition];

    /// <summary>The signals raised (one document per signal id): not a read model, so a rebuild keeps it and raises nothing twice.</summary>
    public static readonly CollectionDefinition RaisedSignalsDefinition = new("report_raised_signals");

    /// <summary>The governance packs generated on schedule (one per facility and month): documents, not a read model, so a rebuild keeps them.</summary>
    public static readonly CollectionDefinition GovernancePacksDefinition = new("report_governance_packs") { IndexedFields = ["facilityId", "month"] };

    /// <summary>Every collection of the store: the read models, the raised signals and the governance packs.</summary>
    public static IEnumerable<CollectionDefinition> AllDefinitions => [.. Definitions, RaisedSignalsDefinition, GovernancePacksDefinition];

    private readonly IDocumentCollection<ReportDay> _days = store.Collection<ReportDay>(DaysDefinition);
    private readonly IDocumentCollection<DayEntry> _entries = store.Collection<DayEntry>(DayEntriesDefinition);
    private readonly IDocumentCollection<ReportMonth> _months = store.Collection<ReportMonth>(MonthsDefinition);
    private readonly IDocumentCollection<ReportFacilityMonth> _facilityMonths = store.Collection<ReportFacilityMonth>(FacilityMonthsDefinition);

    /// <summary>
    /// Merges an event into its subject's fact and brings the days it counts in up to date. Safe to repeat (a duplicate
    /// changes nothing), to run concurrently for the same subject (the fact is written with optimistic concurrency and
    /// entries only move forward in version), and to resume after a crash between writes (the days are always brought up
    /// to date from the fact, changed or not).
    /// </summary>
    /// <param name="merge">Folds the event into the fact (null: none yet) and returns it; must be idempotent and commutative.</param>
    /// <returns>Whether the fact changed (false for a duplicate).</returns>
    public async Task<bool> ProjectAsync<TFact>(FactCollection<TFact> kind, string id, Func<TFact?, TFact> merge, CancellationToken ct)
        where TFact : ReportFact
    {
        var projection = new PendingProjection<TFact>(kind, id, merge);
        await ProjectBatchAsync([projection], ct);
        return projection.Changed;
    }

    /// <summary>
    /// <see cref="ProjectAsync{TFact}"/> for many events at once, with the same guarantees: the events about one subject are
    /// folded into its fact together, the facts written in one round trip per kind
    /// (<see cref="IDocumentCollection{T}.WriteManyAsync"/>), again for the ones a concurrent writer changed meanwhile; then
    /// the batch's new day entries, with the totals of their days and months, in one atomic write. A batch of events close in
    /// time (what the bus delivers) writes each busy unit-day once instead of once per event, and only the entries it changes
    /// (a day's cost does not grow with what it already holds). Sets each projection's <see cref="PendingProjection.Changed"/>.
    /// </summary>
    public async Task ProjectBatchAsync(IReadOnlyList<PendingProjection> batch, CancellationToken ct)
    {
        var writes = new List<SubjectWrite>();
        var forgets = new List<Func<CancellationToken, Task>>();
        foreach (var kind in batch.GroupBy(p => p.KindName, StringComparer.Ordinal))
        {
            var subjects = kind.GroupBy(p => p.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<PendingProjection>)[.. g], StringComparer.Ordinal);
            var (facts, forget) = await kind.First().WriteFactsAsync(store, subjects, ct);
            foreach (var write in facts)
            {
                foreach (var p in subjects[write.Id]) p.Changed = write.Changed;
            }

            writes.AddRange(facts);
            if (forget is not null) forgets.Add(forget);
        }

        var entries = new Dictionary<string, PendingEntry>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            foreach (var dayId in write.Placements)
            {
                var contribution = write.Contributions.FirstOrDefault(x => x.Day.Id == dayId);
                var entry = new DayEntry
                {
                    Version = write.Version,
                    Measures = contribution?.Measures,
                    Category = contribution?.Attributes.Category,
                    Channel = contribution?.Attributes.Channel,
                    Severity = contribution?.Attributes.Severity,
                };
                var id = DayEntry.IdOf(dayId, write.EntryKey);
                if (!entries.TryGetValue(id, out var held) || held.Entry.Version < entry.Version)
                    entries[id] = new PendingEntry(contribution?.Day ?? ParseDayId(dayId), entry);
            }
        }

        await ApplyEntriesAsync(entries, ct);
        foreach (var forget in forgets) await forget(ct);
    }

    /// <summary>
    /// Sets every entry newer than the one stored, and changes its day's totals, its unit-month and its facility-month by the
    /// difference, all in one atomic write (<see cref="IDocumentStore.TryWriteAllAsync"/>): the totals never disagree with the
    /// entries, whatever crashes in between. Each step reads what it needs in one round trip per collection; when a concurrent
    /// writer changed any of it meanwhile, nothing is written and the step is read and computed again.
    /// </summary>
    private async Task ApplyEntriesAsync(Dictionary<string, PendingEntry> entries, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = (await _entries.GetManyAsync(entries.Keys, ct)).ToDictionary(e => e.Id, StringComparer.Ordinal);
            var newer = entries.Where(e => stored.GetValueOrDefault(e.Key) is not { } held || held.Document.Version < e.Value.Entry.Version).ToList();
            if (newer.Count == 0) return;

            var days = await ReadAsync(_days, newer.Select(e => e.Value.Day.Id), ct);
            var months = await ReadAsync(_months, newer.Select(e => MonthId(e.Value.Day)), ct);
            var facilityMonths = await ReadAsync(_facilityMonths, newer.Select(e => FacilityMonthId(e.Value.Day)), ct);
            var writes = new List<CollectionWrite>(newer.Count + days.Count + months.Count + facilityMonths.Count);
            foreach (var (id, (key, entry)) in newer)
            {
                var before = stored.GetValueOrDefault(id);
                writes.Add(new CollectionWrite(DayEntriesDefinition, id, entry, before?.Version));
                var day = days[key.Id].Document ??= ReportDay.For(key);
                day.Totals.Replace(before?.Document, entry);
                var month = months[MonthId(key)].Document ??= new ReportMonth { FacilityId = key.FacilityId, DepartmentId = key.DepartmentId, UnitId = key.UnitId, Month = MonthString(key.Day) };
                var facilityMonth = facilityMonths[FacilityMonthId(key)].Document ??= new ReportFacilityMonth { FacilityId = key.FacilityId, Month = MonthString(key.Day) };
                foreach (var sum in (Measures[])[month.All, facilityMonth.All])
                {
                    if (before?.Document.Measures is { } was) sum.Add(was, -1);
                    if (entry.Measures is { } now) sum.Add(now, 1);
                }
            }

            writes.AddRange(days.Select(d => new CollectionWrite(DaysDefinition, d.Key, d.Value.Document!, d.Value.Version)));
            writes.AddRange(months.Select(m => new CollectionWrite(MonthsDefinition, m.Key, m.Value.Document!, m.Value.Version)));
            writes.AddRange(facilityMonths.Select(m => new CollectionWrite(FacilityMonthsDefinition, m.Key, m.Value.Document!, m.Value.Version)));
            if (await store.TryWriteAllAsync(writes, ct)) return;
            Conflicted(1, attempt, DayEntriesDefinition);
        }
    }

    /// <summary>The documents of the ids as stored (version null and document null: none yet), one round trip.</summary>
    private static async Task<Dictionary<string, Held<T>>> ReadAsync<T>(IDocumentCollection<T> collection, IEnumerable<string> ids, CancellationToken ct)
        where T : class
    {
        var held = ids.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => new Held<T>(), StringComparer.Ordinal);
        foreach (var stored in await collection.GetManyAsync(held.Keys, ct)) held[stored.Id] = new Held<T> { Version = stored.Version, Document = stored.Document };
        return held;
    }

    /// <summary>A document read for a write: its version (null: none yet) and content, created in place when none.</summary>
    private sealed class Held<T> where T : class
    {
        public long? Version { get; init; }
        public T? Document { get; set; }
    }

    /// <summary>A subject's new entry in a day, waiting to be set.</summary>
    private readonly record struct PendingEntry(DayKey Day, DayEntry Entry);

    /// <summary>Counts a step's conflicts, and gives up (the batch is retried event by event, then redelivered) after <see cref="MaxAttempts"/>.</summary>
    private static void Conflicted(int conflicts, int attempt, CollectionDefinition collection)
    {
        if (conflicts == 0) return;
        ReportingTelemetry.Conflicts.Add(conflicts);
        if (attempt >= MaxAttempts) throw new ConcurrencyConflictException(collection.Name, $"{conflicts} documents");
    }

    private static string MonthId(DayKey key) => $"{key.FacilityId}|{key.DepartmentId ?? "-"}|{key.UnitId ?? "-"}|{MonthString(key.Day)}";

    private static string MonthString(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static string FacilityMonthId(DayKey key) => $"{key.FacilityId}|{MonthString(key.Day)}";

    /// <summary>
    /// The totals of a period [from, to] (inclusive days) in the scope: whole months from the facility-months (one row per
    /// facility and month) or, for a department or unit, the unit-months (one row per unit and month); the days before the
    /// first whole month and after the last from the unit-days.
    /// </summary>
    public async Task<Measures> TotalsAsync(ReportScope scope, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var total = new Measures();
        var firstWhole = from.Day == 1 ? from : new DateOnly(from.Year, from.Month, 1).AddMonths(1);
        var lastWhole = to.AddDays(1).Day == 1 ? to : new DateOnly(to.Year, to.Month, 1).AddDays(-1);
        if (firstWhole > lastWhole)
        {
            await foreach (var day in DaysAsync(scope, from, to, ct)) total.Add(day.Totals.All);
            return total;
        }

        if (from < firstWhole)
        {
            await foreach (var day in DaysAsync(scope, from, firstWhole.AddDays(-1), ct)) total.Add(day.Totals.All);
        }

        var months = Scoped(scope, FieldFilter.Gte("month", MonthString(firstWhole)), FieldFilter.Lt("month", MonthString(lastWhole.AddDays(1))));
        if (scope.DepartmentId is null && scope.UnitId is null)
        {
            // Whole facilities: their months, one row each.
            await foreach (var month in PagesAsync(_facilityMonths, months, ct)) total.Add(month.All);
        }
        else
        {
            await foreach (var month in PagesAsync(_months, months, ct)) total.Add(month.All);
        }

        if (lastWhole < to)
        {
            await foreach (var day in DaysAsync(scope, lastWhole.AddDays(1), to, ct)) total.Add(day.Totals.All);
        }

        return total;
    }

    /// <summary>What writing one subject's fact left to do: its entries in the days it is placed in.</summary>
    internal sealed record SubjectWrite(string Id, string EntryKey, long Version, IReadOnlyList<Contribution> Contributions, IReadOnlyList<string> Placements, bool Changed);

    /// <summary>An event waiting to be merged into its subject's fact (see <see cref="ProjectBatchAsync"/>).</summary>
    public abstract class PendingProjection
    {
        internal PendingProjection()
        {
        }

        /// <summary>The fact collection's name: the batch writes each kind's facts together.</summary>
        internal abstract string KindName { get; }

        /// <summary>The subject's id in its fact collection.</summary>
        internal abstract string Id { get; }

        /// <summary>Whether the subject's fact changed when this projection's batch was written (false: a duplicate).</summary>
        public bool Changed { get; internal set; }

        /// <summary>
        /// Folds each subject's projections (all of this one's kind) into its fact and writes the facts that changed together.
        /// Returns what each subject's days need, and the write that forgets withdrawn days once the days hold their tombstones.
        /// </summary>
        internal abstract Task<(List<SubjectWrite> Writes, Func<CancellationToken, Task>? Forget)> WriteFactsAsync(
            IDocumentStore store, IReadOnlyDictionary<string, IReadOnlyList<PendingProjection>> subjects, CancellationToken ct);
    }

    /// <summary>An event about one <typeparamref name="TFact"/>, with the merge that folds it in.</summary>
    public sealed class PendingProjection<TFact>(FactCollection<TFact> kind, string id, Func<TFact?, TFact> merge) : PendingProjection
        where TFact : ReportFact
    {
        internal override string KindName => kind.Definition.Name;

        internal override string Id => id;

        internal override async Task<(List<SubjectWrite> Writes, Func<CancellationToken, Task>? Forget)> WriteFactsAsync(
            IDocumentStore store, IReadOnlyDictionary<string, IReadOnlyList<PendingProjection>> subjects, CancellationToken ct)
        {
            var facts = store.Collection<TFact>(kind.Definition);
            var results = new List<SubjectWrite>(subjects.Count);
            var withdrawn = new List<(string Id, TFact Fact, HashSet<string> PlacedNow, long Version)>();
            var pending = subjects.Keys.ToList();
            for (var attempt = 1; pending.Count > 0; attempt++)
            {
                var stored = (await facts.GetManyAsync(pending, ct)).ToDictionary(f => f.Id, StringComparer.Ordinal);
                var writes = new List<DocumentWrite<TFact>>();
                var outcomes = new List<(SubjectWrite Result, TFact Fact, HashSet<string> PlacedNow)>();
                foreach (var subjectId in pending)
                {
                    var current = stored.GetValueOrDefault(subjectId);
                    var before = current is null ? null : JsonSerializer.Serialize(current.Document, StoreJson.Options);
                    var placedBefore = current?.Document.Placements.ToList() ?? [];
                    var fact = current?.Document;
                    foreach (var projection in subjects[subjectId]) fact = ((PendingProjection<TFact>)projection).Merge(fact);
                    if (fact is CaseFact c) c.Settle();
                    var contributions = fact!.Contributions();
                    var placedNow = contributions.Select(x => x.Day.Id).ToHashSet(StringComparer.Ordinal);
                    fact.Placements = placedBefore.Union(placedNow, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                    var changed = before != JsonSerializer.Serialize(fact, StoreJson.Options);
                    var entryKey = $"{kind.EntryPrefix}:{subjectId}";
                    var result = new SubjectWrite(subjectId, entryKey, current?.Version ?? 1, contributions, fact.Placements.ToList(), changed || current is null);
                    if (current is not null && !changed)
                    {
                        Done(result, fact, placedNow);
                        continue;
                    }

                    writes.Add(new DocumentWrite<TFact>(subjectId, fact, current?.Version));
                    outcomes.Add((result, fact, placedNow));
                }

                pending = [];
                var versions = await facts.WriteManyAsync(writes, ct);
                for (var i = 0; i < writes.Count; i++)
                {
                    var (result, fact, placedNow) = outcomes[i];
                    if (versions[i] is { } version) Done(result with { Version = version }, fact, placedNow);
                    else pending.Add(writes[i].Id);
                }

                Conflicted(pending.Count, attempt, kind.Definition);
            }

            Func<CancellationToken, Task>? forget = null;
            if (withdrawn.Count > 0)
            {
                // Once every withdrawn day holds a tombstone: forget them. A refused write means a newer one that withdraws them itself.
                forget = async token =>
                {
                    var trimmed = withdrawn.Select(w =>
                    {
                        w.Fact.Placements = w.Fact.Placements.Where(w.PlacedNow.Contains).ToList();
                        return new DocumentWrite<TFact>(w.Id, w.Fact, w.Version);
                    }).ToList();
                    var versions = await facts.WriteManyAsync(trimmed, token);
                    ReportingTelemetry.Conflicts.Add(versions.Count(v => v is null));
                };
            }

            return (results, forget);

            void Done(SubjectWrite result, TFact fact, HashSet<string> placedNow)
            {
                results.Add(result);
                if (fact.Placements.Count != placedNow.Count) withdrawn.Add((result.Id, fact, placedNow, result.Version));
            }
        }

        private TFact Merge(TFact? fact) => merge(fact);
    }

    internal static DayKey ParseDayId(string id)
    {
        var parts = id.Split('|');
        if (parts.Length != 4) throw new FormatException("Not a day id.");
        static string? Place(string p) => p == "-" ? null : p;
        return new DayKey(parts[0], Place(parts[1]), Place(parts[2]), DateOnly.ParseExact(parts[3], "yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The unit-days of a period [from, to] (inclusive days) in the scope, totals only, in no particular order. Read in day
    /// ranges that fit one page each (the range is split by the count the store gives), never by offset: an offset page
    /// makes the store walk every row before it again, which made a year of ten facilities (44,000 unit-days) take seconds.
    /// </summary>
    public async IAsyncEnumerable<ReportDay> DaysAsync(ReportScope scope, DateOnly from, DateOnly to, [EnumeratorCancellation] CancellationToken ct)
    {
        var probe = await _days.QueryAsync(new DocumentQuery { Filters = DayFilters(scope, from, to), PageSize = 1 }, ct);
        if (probe.Total == 0) yield break;
        if (probe.Total <= DocumentQuery.MaxPageSize || from == to)
        {
            await foreach (var day in PagesAsync(_days, DayFilters(scope, from, to), ct)) yield return day;
            yield break;
        }

        var days = to.DayNumber - from.DayNumber + 1;
        var parts = (int)Math.Min(days, Math.Ceiling(probe.Total / (DocumentQuery.MaxPageSize * 0.8)));
        for (var i = 0; i < parts; i++)
        {
            var start = from.AddDays((int)((long)days * i / parts));
            var end = from.AddDays((int)((long)days * (i + 1) / parts) - 1);
            if (end < start) continue;
            await foreach (var day in DaysAsync(scope, start, end, ct)) yield return day;
        }
    }

    private static List<FieldFilter> DayFilters(ReportScope scope, DateOnly from, DateOnly to) =>
        Scoped(scope, FieldFilter.Gte("day", DayKey.DayString(from)), FieldFilter.Lt("day", DayKey.DayString(to.AddDays(1))));

    /// <summary>The scope's facility, department and unit filters around <paramref name="others"/> (facility first: the index leads with it).</summary>
    private static List<FieldFilter> Scoped(ReportScope scope, params FieldFilter[] others)
    {
        var filters = new List<FieldFilter>(others);
        if (scope.FacilityIds is { } facilities) filters.Insert(0, FieldFilter.In("facilityId", facilities));
        if (scope.DepartmentId is { } department) filters.Add(FieldFilter.Eq("departmentId", department));
        if (scope.UnitId is { } unit) filters.Add(FieldFilter.Eq("unitId", unit));
        return filters;
    }

    /// <summary>
    /// How many cases in the scope were open at the instant (not settled by it) having opened in [<paramref name="openedFrom"/>,
    /// <paramref name="openedBefore"/>) (no lower bound when null): counted by the store from the facility, open-until and
    /// opened-at index, without reading a fact.
    /// </summary>
    public async Task<long> CountOpenCasesAtAsync(ReportScope scope, DateTimeOffset at, DateTimeOffset? openedFrom, DateTimeOffset openedBefore, CancellationToken ct)
    {
        // Every facility (a health-system analyst's scope) is asked as the list of the facilities counted so far: with the facility
        // leading the index, the store seeks each facility's open cases; without it SQLite's planner walked the opened-at index
        // and read a year of facts, or the whole compound index (37 ms of a 39 ms query over a million events).
        scope = await WithFacilitiesAsync(scope, ct);
        if (scope.FacilityIds!.Count == 0) return 0;
        var filters = Scoped(scope, FieldFilter.Gte("openUntil", at.AddTicks(1)), FieldFilter.Lt("openedAt", openedBefore));
        if (openedFrom is { } from) filters.Add(FieldFilter.Gte("openedAt", from));
        var counts = await store.Collection<CaseFact>(Cases.Definition).CountByAsync(new DocumentQuery { Filters = filters }, ["facilityId"], ct);
        return counts.Sum(c => c.Count);
    }

    /// <summary>
    /// Every facility the read model has counted anything for, from the facility-months' index: a case, a submission or a
    /// delivery is counted in its facility's month, so no facility with a fact is missing.
    /// </summary>
    public async Task<IReadOnlyList<string>> FacilitiesAsync(CancellationToken ct) =>
        [.. (await _facilityMonths.CountByAsync(new DocumentQuery(), ["facilityId"], ct)).Select(g => g.Keys[0]).OfType<string>()];

    /// <summary>The scope with every facility named (<see cref="FacilitiesAsync"/>) when it has none: resolve once for several counts.</summary>
    public async Task<ReportScope> WithFacilitiesAsync(ReportScope scope, CancellationToken ct) =>
        scope.FacilityIds is null ? scope with { FacilityIds = await FacilitiesAsync(ct) } : scope;

    /// <summary>The facts of the cases in the scope that were open at the instant (opened before it, not settled by it).</summary>
    public async Task<IReadOnlyList<CaseFact>> OpenCaseFactsAtAsync(ReportScope scope, DateTimeOffset at, CancellationToken ct)
    {
        var filters = Scoped(scope, FieldFilter.Gte("openUntil", at.AddTicks(1)));
        var open = new List<CaseFact>();
        await foreach (var c in PagesAsync(store.Collection<CaseFact>(Cases.Definition), filters, ct))
        {
            if (c.OpenedAt is { } o && o < at) open.Add(c);
        }

        return open;
    }

    private static async IAsyncEnumerable<T> PagesAsync<T>(IDocumentCollection<T> collection, List<FieldFilter> filters, [EnumeratorCancellation] CancellationToken ct)
        where T : class
    {
        for (var page = 1; ; page++)
        {
            var result = await collection.QueryAsync(new DocumentQuery { Filters = filters, PageNumber = page, PageSize = DocumentQuery.MaxPageSize }, ct);
            foreach (var item in result.Items) yield return item.Document;
            if (result.Items.Count < DocumentQuery.MaxPageSize) yield break;
        }
    }

    /// <summary>Deletes every read model (before a rebuild from a replay of the events).</summary>
    public async Task ClearAsync(CancellationToken ct)
    {
        foreach (var definition in Definitions)
        {
            var collection = store.Collection<object>(definition);
            while (true)
            {
                var page = await collection.QueryAsync(new DocumentQuery { PageSize = DocumentQuery.MaxPageSize }, ct);
                if (page.Items.Count == 0) break;
                foreach (var item in page.Items) await collection.DeleteAsync(item.Id, null, ct);
            }
        }
    }
}
