using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using HdrHistogram;
using MassTransit;
using Microsoft.Extensions.Options;
using PatientExperience.Reporting;
using PatientExperience.Reporting.Benchmarks;
using PatientExperience.Reporting.Kpis;
using PatientExperience.Reporting.Projections;
using PatientExperience.Storage.Sqlite;

// The reporting read model at health-system scale, in one process (docs/benchmarks.md):
//
//   dotnet run -c Release --project benchmarks/PatientExperience.Reporting.Benchmarks -- [--events 1000000] [--facilities 10]
//       [--concurrency 64] [--batch 256] [--writers 2] [--queries 200] [--naive-queries 5] [--keep]
//
// 1. generates --events events of a year of --facilities facilities (fixed seed; EventHistory);
// 2. ingests them through the reporting service's own consumer (ReportingEventsConsumer, the code the bus calls, with a
//    minimal consume context) into the service's SQLite file store, --concurrency at a time (the service's default
//    Reporting:IngestConcurrentMessages), batched by the service's ProjectionBatcher at most --batch events per batch
//    (Reporting:IngestMaxBatch; --batch 1 projects event by event, as before batching) by --writers writers side by side
//    (Reporting:IngestWriters, each its share of the facilities), and reports events/s;
// 3. times the dashboard KPI query (KpiQuery.KpisAsync: one facility, the whole year) --queries times over random
//    facilities, p50/p95/p99 (HdrHistogram), and the same over every facility;
// 4. times the naive aggregation of the raw events (every event in a SQLite table indexed by facility and instant, read,
//    deserialized and aggregated in memory) --naive-queries times, and reports the ratio of the medians; checks that both
//    ways agree on the counts.
var total = ArgInt("--events", 1_000_000);
var facilities = ArgInt("--facilities", 10);
var concurrency = ArgInt("--concurrency", new ReportingOptions().IngestConcurrentMessages);
var maxBatch = ArgInt("--batch", new ReportingOptions().IngestMaxBatch);
var writers = ArgInt("--writers", new ReportingOptions().IngestWriters);
var queries = ArgInt("--queries", 200);
var naiveQueries = ArgInt("--naive-queries", 5);
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; load average at start: {LoadAverage()}");

var folder = Directory.CreateTempSubdirectory("pxp-reporting-bench-");
try
{
    var clock = Stopwatch.StartNew();
    var events = EventHistory.Generate(total, facilities);
    Console.WriteLine($"generated {events.Count:N0} events in {clock.Elapsed.TotalSeconds:F1} s");

    using var documents = new SqliteDocumentStore("reporting", Path.Combine(folder.FullName, "reporting.db"));
    var store = new ReportingStore(documents);
    foreach (var definition in ReportingStore.AllDefinitions) documents.Collection<object>(definition);
    await documents.InitializeAsync(CancellationToken.None);
    await using var batcher = new ProjectionBatcher(store, Options.Create(new ReportingOptions { IngestMaxBatch = maxBatch, IngestWriters = writers }));
    var consumer = new ReportingEventsConsumer(batcher);
    var project = Projection.For(consumer);

    // Ingest.
    clock.Restart();
    var next = -1;
    var loadBefore = LoadAverage();
    var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < events.Count)
        {
            await project(events[i].Message);
            if ((i + 1) % 100_000 == 0) Console.WriteLine($"  {i + 1:N0} events, {(i + 1) / clock.Elapsed.TotalSeconds:N0} /s");
        }
    })).ToArray();
    await Task.WhenAll(workers);
    var ingest = clock.Elapsed;
    Console.WriteLine($"ingest: {events.Count:N0} events in {ingest.TotalSeconds:F1} s = {events.Count / ingest.TotalSeconds:N0} events/s (concurrency {concurrency}, batches of at most {maxBatch}, {writers} writers; load {loadBefore} -> {LoadAverage()})");
    Console.WriteLine($"store file: {new FileInfo(Path.Combine(folder.FullName, "reporting.db")).Length / 1048576.0:N0} MiB");

    // The dashboard query.
    var kpis = new KpiQuery(store, Options.Create(new ReportingOptions()), new FixedClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    var year = new ReportPeriod(new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31));
    var random = new Random(7);
    await kpis.KpisAsync(ReportScope.Facility(EventHistory.Facility(0)), year, CancellationToken.None); // warm-up
    var histogram = new LongHistogram(TimeStamp.Hours(1), 3);
    for (var q = 0; q < queries; q++)
    {
        var started = Stopwatch.GetTimestamp();
        await kpis.KpisAsync(ReportScope.Facility(EventHistory.Facility(random.Next(facilities))), year, CancellationToken.None);
        histogram.RecordValue(Stopwatch.GetTimestamp() - started);
    }

    var all = new LongHistogram(TimeStamp.Hours(1), 3);
    for (var q = 0; q < Math.Max(5, queries / 10); q++)
    {
        var started = Stopwatch.GetTimestamp();
        await kpis.KpisAsync(new ReportScope(null), year, CancellationToken.None);
        all.RecordValue(Stopwatch.GetTimestamp() - started);
    }

    Console.WriteLine($"KPI query, one facility, a year ({queries}x): p50 {Ms(histogram, 50):F2} ms, p95 {Ms(histogram, 95):F2} ms, p99 {Ms(histogram, 99):F2} ms, max {histogram.GetMaxValue() * 1000.0 / Stopwatch.Frequency:F2} ms");
    // Of which the totals (the facility-months); the rest is the backlog's four counts of open cases.
    var allTotals = new LongHistogram(TimeStamp.Hours(1), 3);
    for (var q = 0; q < all.TotalCount; q++)
    {
        var started = Stopwatch.GetTimestamp();
        await store.TotalsAsync(new ReportScope(null), year.From, year.To, CancellationToken.None);
        allTotals.RecordValue(Stopwatch.GetTimestamp() - started);
    }

    Console.WriteLine($"KPI query, all {facilities} facilities, a year ({all.TotalCount}x): p50 {Ms(all, 50):F2} ms, p95 {Ms(all, 95):F2} ms; its totals alone p50 {Ms(allTotals, 50):F2} ms, p95 {Ms(allTotals, 95):F2} ms");

    // Naive aggregation of the raw events.
    clock.Restart();
    using var raw = new RawEventTable(Path.Combine(folder.FullName, "raw.db"));
    raw.Load(events);
    Console.WriteLine($"raw events table loaded in {clock.Elapsed.TotalSeconds:F1} s");
    var naive = new LongHistogram(TimeStamp.Hours(1), 3);
    NaiveKpis? last = null;
    string? lastFacility = null;
    for (var q = 0; q < naiveQueries; q++)
    {
        lastFacility = EventHistory.Facility(random.Next(facilities));
        var started = Stopwatch.GetTimestamp();
        last = raw.Aggregate(lastFacility, year.From, year.To);
        naive.RecordValue(Stopwatch.GetTimestamp() - started);
    }

    Console.WriteLine($"naive aggregation, one facility, a year ({naiveQueries}x): p50 {Ms(naive, 50):F1} ms, p95 {Ms(naive, 95):F1} ms");
    Console.WriteLine($"ratio naive / read model (medians): {Ms(naive, 50) / Ms(histogram, 50):N0}x");

    var model = await kpis.KpisAsync(ReportScope.Facility(lastFacility!), year, CancellationToken.None);
    var agree = (model.Feedback.Total, model.CasesOpened, model.Acknowledged, model.CasesResolved, model.RatePer1000Discharges.Discharges, model.Escalations.Department)
        == (last!.Feedback, last.CasesOpened, last.Acknowledged, last.Resolved, last.Discharges, last.EscalatedToDepartment);
    Console.WriteLine($"check {lastFacility}: read model feedback {model.Feedback.Total}, opened {model.CasesOpened}, acknowledged {model.Acknowledged}, resolved {model.CasesResolved}, discharges {model.RatePer1000Discharges.Discharges}, to department {model.Escalations.Department}, NPS {model.Surveys.Nps}");
    Console.WriteLine($"      naive:      feedback {last.Feedback}, opened {last.CasesOpened}, acknowledged {last.Acknowledged}, resolved {last.Resolved}, discharges {last.Discharges}, to department {last.EscalatedToDepartment}, NPS {last.Nps} -> {(agree ? "agree" : "DIFFER")}");
    Console.WriteLine($"load average at end: {LoadAverage()}");
    return agree ? 0 : 1;
}
finally
{
    // --keep leaves the store for a look with the sqlite3 shell (EXPLAIN QUERY PLAN).
    if (args.Contains("--keep")) Console.WriteLine($"store kept: {folder.FullName}");
    else try { folder.Delete(recursive: true); } catch (IOException) { }
}

int ArgInt(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static double Ms(LongHistogram h, double percentile) => h.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

namespace PatientExperience.Reporting.Benchmarks
{
    /// <summary>A clock stopped at an instant (after the generated year), for the backlog's "open at the end of the period".</summary>
    internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>
    /// Calls the consumer's <c>Consume</c> for an event of any type with a consume context that carries only the message and
    /// a cancellation token (all the projection reads), so the benchmark runs the service's own projection code without a bus.
    /// </summary>
    internal static class Projection
    {
        public static Func<object, Task> For(ReportingEventsConsumer consumer)
        {
            var byType = new Dictionary<Type, Func<object, Task>>();
            foreach (var method in typeof(ReportingEventsConsumer).GetMethods().Where(m => m.Name == "Consume"))
            {
                var messageType = method.GetParameters()[0].ParameterType.GetGenericArguments()[0];
                var make = typeof(Projection).GetMethod(nameof(Context), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(messageType);
                byType[messageType] = message => (Task)method.Invoke(consumer, [make.Invoke(null, [message])])!;
            }

            return message => byType[message.GetType()](message);
        }

        private static ConsumeContext<T> Context<T>(T message) where T : class
        {
            var context = DispatchProxy.Create<ConsumeContext<T>, MessageOnlyContext>();
            ((MessageOnlyContext)(object)context).Message = message;
            return context;
        }
    }

    /// <summary>A <see cref="ConsumeContext{T}"/> that answers <c>Message</c> and <c>CancellationToken</c> only.</summary>
    public class MessageOnlyContext : DispatchProxy
    {
        public object? Message { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_Message" => Message,
            "get_CancellationToken" => CancellationToken.None,
            _ => throw new NotSupportedException($"The benchmark's consume context has no {targetMethod?.Name}."),
        };
    }
}
