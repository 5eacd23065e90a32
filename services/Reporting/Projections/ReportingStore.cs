using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using PatientExperience.Reporting.Kpis;
using PatientExperience.Storage;

namespace PatientExperience.Reporting.Projections;

/// <summary>A collection of facts of one kind, and the prefix of their entries in the days they count in.</summary>
public sealed record FactCollection<TFact>(CollectionDefinition Definition, string EntryPrefix) where TFact : ReportFact;

/// <summary>
/// The reporting service's port over its own store: facts per subject, and the unit-days they add up in. Writes go through
/// <see cref="ProjectAsync{TFact}"/> only; queries read days (a year of one facility is a few thousand rows) and, for the
/// backlog, the cases open at an instant.
/// </summary>
public sealed class ReportingStore([FromKeyedServices(ReportingModule.ServiceName)] IDocumentStore store)
{
    private const int MaxAttempts = 50;

    public static readonly CollectionDefinition DaysDefinition = new("report_days")
    {
        IndexedFields = ["facilityId", "day", "departmentId", "unitId"], CompoundIndexes = [["facilityId", "day"]],
    };

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
        [DaysDefinition, MonthsDefinition, FacilityMonthsDefinition, Cases.Definition, Submissions.Definition, Discharges.Definition, Invitations.Definition, Deliveries.Definition];

    /// <summary>The signals raised (one document per signal id): not a read model, so a rebuild keeps it and raises nothing twice.</summary>
    public static readonly CollectionDefinition RaisedSignalsDefinition = new("report_raised_signals");

    /// <summary>The governance packs generated on schedule (one per facility and month): documents, not a read model, so a rebuild keeps them.</summary>
    public static readonly CollectionDefinition GovernancePacksDefinition = new("report_governance_packs") { IndexedFields = ["facilityId", "month"] };

    /// <summary>Every collection of the store: the read models, the raised signals and the governance packs.</summary>
    public static IEnumerable<CollectionDefinition> AllDefinitions => [.. Definitions, RaisedSignalsDefinition, GovernancePacksDefinition];

    private readonly IDocumentCollection<ReportDay> _days = store.Collection<ReportDay>(DaysDefinition);
    private readonly IDocumentCollection<ReportDayTotals> _dayTotals = store.Collection<ReportDayTotals>(DaysDefinition);
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
    /// folded into its fact together; then every day the batch touches gets all its new entries, and every month those days
    /// are in their change. Each step reads what it needs in one round trip and writes in one
    /// (<see cref="IDocumentCollection{T}.WriteManyAsync"/>: one transaction on SQLite, one bulk write on MongoDB), again for
    /// the documents a concurrent writer changed meanwhile. A batch of events close in time (what the bus delivers) writes each
    /// busy unit-day once instead of once per event. Sets each projection's <see cref="PendingProjection.Changed"/>.
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

        var days = new Dictionary<string, (DayKey Key, List<(string Entry, long Version, Contribution? Contribution)> Entries)>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            foreach (var dayId in write.Placements)
            {
                var contribution = write.Contributions.FirstOrDefault(x => x.Day.Id == dayId);
                if (!days.TryGetValue(dayId, out var day)) days[dayId] = day = (contribution?.Day ?? ParseDayId(dayId), []);
                day.Entries.Add((write.EntryKey, write.Version, contribution));
            }
        }

        var written = await SetEntriesAsync(days, ct);
        var months = await UpdateMonthsAsync(written.GroupBy(d => MonthId(d.Key), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal), ct);
        await UpdateFacilityMonthsAsync(months.GroupBy(m => FacilityMonthId(m.Key.FacilityId, m.Month), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal), ct);
        foreach (var forget in forgets) await forget(ct);
    }

    /// <summary>
    /// Reads the days, sets in each every entry newer than the one it holds, recounts it and writes the days that changed
    /// together; the days a concurrent writer changed meanwhile are read and set again. Returns each day's totals before and
    /// after, with their versions (the same when nothing was newer).
    /// </summary>
    private async Task<List<DayWrite>> SetEntriesAsync(
        Dictionary<string, (DayKey Key, List<(string Entry, long Version, Contribution? Contribution)> Entries)> days, CancellationToken ct)
    {
        var results = new List<DayWrite>(days.Count);
        var pending = days.Keys.ToList();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var stored = (await _days.GetManyAsync(pending, ct)).ToDictionary(d => d.Id, StringComparer.Ordinal);
            var writes = new List<DocumentWrite<ReportDay>>();
            var outcomes = new List<(DayKey Key, long? BeforeVersion, DayTotals? Before, DayTotals After)>();
            foreach (var id in pending)
            {
                var (key, entries) = days[id];
                var current = stored.GetValueOrDefault(id);
                var day = current?.Document ?? ReportDay.For(key);
                var changed = false;
                foreach (var (entryKey, version, contribution) in entries)
                {
                    if (day.Entries.TryGetValue(entryKey, out var existing) && existing.Version >= version) continue;
                    day.Entries[entryKey] = new DayEntry
                    {
                        Version = version,
                        Measures = contribution?.Measures,
                        Category = contribution?.Attributes.Category,
                        Channel = contribution?.Attributes.Channel,
                        Severity = contribution?.Attributes.Severity,
                    };
                    changed = true;
                }

                if (!changed)
                {
                    results.Add(new DayWrite(key, current!.Version, current.Document.Totals, current.Version, day.Totals));
                    continue;
                }

                var before = current?.Document.Totals;
                day.Recount();
                writes.Add(new DocumentWrite<ReportDay>(id, day, current?.Version));
                outcomes.Add((key, current?.Version, before, day.Totals));
            }

            pending = [];
            var versions = await _days.WriteManyAsync(writes, ct);
            for (var i = 0; i < writes.Count; i++)
            {
                var (key, beforeVersion, before, after) = outcomes[i];
                if (versions[i] is { } version) results.Add(new DayWrite(key, beforeVersion, before, version, after));
                else pending.Add(writes[i].Id);
            }

            Conflicted(pending.Count, attempt, DaysDefinition);
        }

        return results;
    }

    /// <summary>Counts a step's conflicts, and gives up (the batch is retried event by event, then redelivered) after <see cref="MaxAttempts"/>.</summary>
    private static void Conflicted(int conflicts, int attempt, CollectionDefinition collection)
    {
        if (conflicts == 0) return;
        ReportingTelemetry.Conflicts.Add(conflicts);
        if (attempt >= MaxAttempts) throw new ConcurrencyConflictException(collection.Name, $"{conflicts} documents");
    }

    /// <summary>A day as a batch left it: its totals before (null: it did not exist) and after, with their versions.</summary>
    private sealed record DayWrite(DayKey Key, long? BeforeVersion, DayTotals? Before, long Version, DayTotals After);

    private static string MonthId(DayKey key) => $"{key.FacilityId}|{key.DepartmentId ?? "-"}|{key.UnitId ?? "-"}|{MonthString(key.Day)}";

    private static string MonthString(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>
    /// Brings the units' months up to date with the days a batch left: each day's change is applied as the difference from
    /// the version the month holds; a month that holds another version than the one a day replaced (it missed a write) is
    /// summed again from all its days. Read and written together with optimistic concurrency, again for the months a
    /// concurrent writer changed meanwhile. Returns each month's totals before and after, with their versions (the same when
    /// it held every day already), for the facilities' months.
    /// </summary>
    private async Task<List<MonthWrite>> UpdateMonthsAsync(Dictionary<string, List<DayWrite>> months, CancellationToken ct)
    {
        var results = new List<MonthWrite>(months.Count);
        var pending = months.Keys.ToList();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var stored = (await _months.GetManyAsync(pending, ct)).ToDictionary(m => m.Id, StringComparer.Ordinal);
            var writes = new List<DocumentWrite<ReportMonth>>();
            var outcomes = new List<MonthWrite>();
            foreach (var monthId in pending)
            {
                var days = months[monthId];
                var key = days[0].Key;
                var current = stored.GetValueOrDefault(monthId);
                var month = current?.Document ?? new ReportMonth { FacilityId = key.FacilityId, DepartmentId = key.DepartmentId, UnitId = key.UnitId, Month = MonthString(key.Day) };
                var before = current is null ? null : Copy(current.Document.All);
                var (changed, resum) = ApplyParts(month.All, month.DayVersions,
                    days.Select(d => new PartChange(DayKey.DayString(d.Key.Day), d.BeforeVersion, d.Before?.All, d.Version, d.After.All)));

                if (resum)
                {
                    (month.All, month.DayVersions) = await SumDaysAsync(key, ct);
                    changed = true;
                }

                if (changed)
                {
                    writes.Add(new DocumentWrite<ReportMonth>(monthId, month, current?.Version));
                    outcomes.Add(new MonthWrite(monthId, key, month.Month, current?.Version, before, 0, month.All));
                }
                else
                {
                    results.Add(new MonthWrite(monthId, key, month.Month, current!.Version, month.All, current.Version, month.All));
                }
            }

            var versions = await _months.WriteManyAsync(writes, ct);
            pending = [];
            for (var i = 0; i < writes.Count; i++)
            {
                if (versions[i] is { } version) results.Add(outcomes[i] with { Version = version });
                else pending.Add(writes[i].Id);
            }

            Conflicted(pending.Count, attempt, MonthsDefinition);
        }

        return results;
    }

    /// <summary>A part of a roll-up (a day of a unit-month, a unit-month of a facility-month) as a batch left it.</summary>
    private readonly record struct PartChange(string Part, long? BeforeVersion, Measures? Before, long Version, Measures After);

    /// <summary>
    /// Applies the parts' changes to a roll-up's totals and the part versions it holds: a part newer than the version held is
    /// applied as the difference from the version it replaced, when that is the one held. Returns whether anything changed,
    /// and whether a part's replaced version is not the one held (the roll-up missed a write: sum it again from its parts).
    /// </summary>
    private static (bool Changed, bool Resum) ApplyParts(Measures all, Dictionary<string, long> held, IEnumerable<PartChange> parts)
    {
        var (changed, resum) = (false, false);
        foreach (var part in parts)
        {
            long? version = held.TryGetValue(part.Part, out var v) ? v : null;
            if (version >= part.Version) continue;
            if (version != part.BeforeVersion)
            {
                resum = true;
                continue;
            }

            if (part.Before is { } before) all.Add(before, -1);
            all.Add(part.After, 1);
            held[part.Part] = part.Version;
            changed = true;
        }

        return (changed, resum);
    }

    /// <summary>A unit's month as a batch left it: its totals before (null: it did not exist) and after, with their versions.</summary>
    private sealed record MonthWrite(string Id, DayKey Key, string Month, long? BeforeVersion, Measures? Before, long Version, Measures After);

    private static string FacilityMonthId(string facilityId, string month) => $"{facilityId}|{month}";

    private static Measures Copy(Measures m)
    {
        var copy = new Measures();
        copy.Add(m);
        return copy;
    }

    /// <summary>
    /// Brings the facilities' months up to date with the unit-months a batch left, as the unit-months are kept from their days:
    /// each unit-month's change applied as a difference from the version held, a facility-month that missed one summed again
    /// from its unit-months; optimistic concurrency, again for the facility-months a concurrent writer changed.
    /// </summary>
    private async Task UpdateFacilityMonthsAsync(Dictionary<string, List<MonthWrite>> facilityMonths, CancellationToken ct)
    {
        var pending = facilityMonths.Keys.ToList();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var stored = (await _facilityMonths.GetManyAsync(pending, ct)).ToDictionary(m => m.Id, StringComparer.Ordinal);
            var writes = new List<DocumentWrite<ReportFacilityMonth>>();
            foreach (var id in pending)
            {
                var months = facilityMonths[id];
                var (facilityId, monthString) = (months[0].Key.FacilityId, months[0].Month);
                var current = stored.GetValueOrDefault(id);
                var facilityMonth = current?.Document ?? new ReportFacilityMonth { FacilityId = facilityId, Month = monthString };
                var (changed, resum) = ApplyParts(facilityMonth.All, facilityMonth.UnitMonthVersions,
                    months.Select(m => new PartChange(m.Id, m.BeforeVersion, m.Before, m.Version, m.After)));

                if (resum)
                {
                    (facilityMonth.All, facilityMonth.UnitMonthVersions) = await SumUnitMonthsAsync(facilityId, monthString, ct);
                    changed = true;
                }

                if (changed) writes.Add(new DocumentWrite<ReportFacilityMonth>(id, facilityMonth, current?.Version));
            }

            var versions = await _facilityMonths.WriteManyAsync(writes, ct);
            pending = [.. writes.Where((_, i) => versions[i] is null).Select(w => w.Id)];
            Conflicted(pending.Count, attempt, FacilityMonthsDefinition);
        }
    }

    /// <summary>The totals of a facility's month summed from its unit-months as stored, with each unit-month's version.</summary>
    private async Task<(Measures All, Dictionary<string, long> Versions)> SumUnitMonthsAsync(string facilityId, string month, CancellationToken ct)
    {
        var totals = new Measures();
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var filters = new List<FieldFilter> { FieldFilter.Eq("facilityId", facilityId), FieldFilter.Eq("month", month) };
        for (var page = 1; ; page++)
        {
            var result = await _months.QueryAsync(new DocumentQuery { Filters = filters, PageNumber = page, PageSize = DocumentQuery.MaxPageSize }, ct);
            foreach (var stored in result.Items)
            {
                totals.Add(stored.Document.All);
                versions[stored.Id] = stored.Version;
            }

            if (result.Items.Count < DocumentQuery.MaxPageSize) return (totals, versions);
        }
    }

    /// <summary>The overall totals of a unit's month summed from its days as stored, with each day's version.</summary>
    private async Task<(Measures All, Dictionary<string, long> Versions)> SumDaysAsync(DayKey any, CancellationToken ct)
    {
        var totals = new Measures();
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var first = new DateOnly(any.Day.Year, any.Day.Month, 1);
        var days = Enumerable.Range(0, DateTime.DaysInMonth(first.Year, first.Month)).Select(i => any with { Day = first.AddDays(i) }).ToDictionary(d => d.Id, StringComparer.Ordinal);
        foreach (var stored in await _dayTotals.GetManyAsync(days.Keys, ct))
        {
            totals.Add(stored.Document.Totals.All);
            versions[DayKey.DayString(days[stored.Id].Day)] = stored.Version;
        }

        return (totals, versions);
    }

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
    public async IAsyncEnumerable<ReportDayTotals> DaysAsync(ReportScope scope, DateOnly from, DateOnly to, [EnumeratorCancellation] CancellationToken ct)
    {
        var probe = await _dayTotals.QueryAsync(new DocumentQuery { Filters = DayFilters(scope, from, to), PageSize = 1 }, ct);
        if (probe.Total == 0) yield break;
        if (probe.Total <= DocumentQuery.MaxPageSize || from == to)
        {
            await foreach (var day in PagesAsync(_dayTotals, DayFilters(scope, from, to), ct)) yield return day;
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
        var filters = Scoped(scope, FieldFilter.Gte("openUntil", at.AddTicks(1)), FieldFilter.Lt("openedAt", openedBefore));
        if (openedFrom is { } from) filters.Add(FieldFilter.Gte("openedAt", from));
        var counts = await store.Collection<CaseFact>(Cases.Definition).CountByAsync(new DocumentQuery { Filters = filters }, ["facilityId"], ct);
        return counts.Sum(c => c.Count);
    }

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
