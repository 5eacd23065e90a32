using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientExperience.Messaging;
using PatientExperience.Storage;

namespace PatientExperience.Benchmarks;

/// <summary>A deadline as the benchmark schedules it: which one, and when it is due.</summary>
public sealed record DeadlineDue(int Index, DateTimeOffset DueAt);

/// <summary>
/// How late the durable scheduler delivers. With the real clock, a SQLite file store and the in-memory transport:
/// <list type="number">
/// <item>schedules <c>--count</c> deadlines (50,000) due uniformly between <c>--from</c> and <c>--to</c> seconds (60-120) after
/// the start, one after another through <see cref="IMessageScheduler"/>, and reports the scheduling rate;</item>
/// <item>waits for every delivery and reports its lateness (received by the consumer minus due), as percentiles, with the
/// dispatcher's own send lateness, duplicates, and the CPU used while the deadlines fell due;</item>
/// <item>schedules a burst of <c>--burst</c> deadlines (20,000) due at one instant and reports how fast the dispatcher drains it.</item>
/// </list>
/// <c>--in-memory-store</c> uses an in-memory SQLite database instead of the file, to tell the file's share of the cost.
/// </summary>
public static class SchedulerLatenessBenchmark
{
    private const string Service = "bench";
    private static readonly Uri Queue = new("queue:bench-deadlines");

    public static async Task<int> RunAsync(string[] args)
    {
        var count = Option(args, "--count", 50_000);
        var from = Option(args, "--from", 60);
        var to = Option(args, "--to", 120);
        var burst = Option(args, "--burst", 20_000);
        var inMemoryStore = args.Contains("--in-memory-store");
        if (count < 1 || burst < 0 || from < 0 || to <= from)
        {
            Console.Error.WriteLine("scheduler: --count >= 1, --burst >= 0, 0 <= --from < --to (seconds)");
            return 2;
        }

        var directory = Directory.CreateTempSubdirectory("pxp-bench-scheduler-").FullName;
        var deliveries = new Deliveries(count + burst);
        using var sendLateness = new SendLatenessListener();
        try
        {
            using var host = BuildHost(directory, inMemoryStore, deliveries);
            await host.StartAsync();
            var scheduler = host.Services.GetRequiredService<IMessageScheduler>();
            PrintMachine(count, from, to, burst, inMemoryStore);

            // 1. Scheduling cost.
            var start = DateTimeOffset.UtcNow;
            var random = new Random(20_250_301);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                var due = start + TimeSpan.FromSeconds(from + (to - from) * random.NextDouble());
                await scheduler.ScheduleSend(Queue, due.UtcDateTime, new DeadlineDue(i, due));
            }

            var scheduleRate = count / clock.Elapsed.TotalSeconds;
            Console.WriteLine(Invariant($"scheduled {count:N0} in {clock.Elapsed.TotalSeconds:0.00} s: {scheduleRate:N0} per second (one at a time)"));
            var stored = await host.Services.GetRequiredKeyedService<IDocumentStore>(Service)
                .Collection<Messaging.Scheduling.ScheduledMessageDocument>(Messaging.Scheduling.ScheduledMessages.Definition).CountAsync(CancellationToken.None);
            Console.WriteLine(Invariant($"pending in the store: {stored:N0}; first due in {(start + TimeSpan.FromSeconds(from) - DateTimeOffset.UtcNow).TotalSeconds:0.0} s"));

            // 2. Lateness over the window.
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var windowStart = start + TimeSpan.FromSeconds(from);
            await deliveries.WaitAsync(0, count, TimeSpan.FromSeconds(to + 120) - (DateTimeOffset.UtcNow - start));
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var window = deliveries.Summarise(0, count);
            var sent = sendLateness.TakeSummary();
            Console.WriteLine();
            Console.WriteLine(Invariant($"window: {count:N0} deadlines due over {to - from} s ({count / (double)(to - from):N0}/s offered)"));
            Console.WriteLine(Invariant($"  delivered lateness ms: p50 {window.P50:0.0}  p90 {window.P90:0.0}  p99 {window.P99:0.0}  max {window.Max:0.0}  (min {window.Min:0.0})"));
            Console.WriteLine(Invariant($"  sent lateness ms (dispatcher): p50 {sent.P50:0.0}  p90 {sent.P90:0.0}  p99 {sent.P99:0.0}  max {sent.Max:0.0}"));
            Console.WriteLine(Invariant($"  throughput: {count / (window.LastReceived - windowStart).TotalSeconds:N0} delivered/s; duplicates: {window.Duplicates}"));
            Console.WriteLine(Invariant($"  CPU while due: {cpu.TotalSeconds:0.0} s over {(window.LastReceived - windowStart).TotalSeconds:0.0} s = {cpu.TotalSeconds / (window.LastReceived - windowStart).TotalSeconds:0.00} of one core"));

            // 3. A burst due at one instant: how fast the dispatcher drains a backlog.
            if (burst > 0)
            {
                var burstDue = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(Math.Max(5, 2 * burst / scheduleRate));
                for (var i = 0; i < burst; i++)
                {
                    await scheduler.ScheduleSend(Queue, burstDue.UtcDateTime, new DeadlineDue(count + i, burstDue));
                }

                var left = burstDue - DateTimeOffset.UtcNow;
                await deliveries.WaitAsync(count, burst, left + TimeSpan.FromMinutes(2));
                var drained = deliveries.Summarise(count, burst);
                var drainSeconds = (drained.LastReceived - burstDue).TotalSeconds;
                Console.WriteLine();
                Console.WriteLine(Invariant($"burst: {burst:N0} deadlines due at one instant (scheduled {left.TotalSeconds:0.0} s ahead)"));
                Console.WriteLine(Invariant($"  drained in {drainSeconds:0.00} s: {burst / drainSeconds:N0} delivered/s; lateness ms p50 {drained.P50:0} p99 {drained.P99:0} max {drained.Max:0}; duplicates: {drained.Duplicates}"));
            }

            PrintLoad("at the end");
            await host.StopAsync();
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IHost BuildHost(string directory, bool inMemoryStore, Deliveries deliveries)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:InMemory"] = inMemoryStore ? "true" : "false",
            ["Storage:DataDirectory"] = directory,
            ["Storage:Provider"] = "Sqlite",
            ["Messaging:Transport"] = "InMemory",
        });
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(deliveries);
        builder.AddDocumentStore(Service);
        builder.Services.AddMessagingModule(bus => bus.AddConsumer<DeadlineConsumer>().Endpoint(e => e.Name = "bench-deadlines"));
        builder.AddDurableScheduler(Service);
        builder.AddPlatformMessaging();
        return builder.Build();
    }

    private static void PrintMachine(int count, int from, int to, int burst, bool inMemoryStore)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        Console.WriteLine(Invariant($"machine: {Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}"));
        Console.WriteLine(Invariant($"scheduler benchmark: --count {count} --from {from} --to {to} --burst {burst}; SQLite {(inMemoryStore ? "in-memory" : "file")} store, in-memory transport, real clock"));
        PrintLoad("at start");
    }

    /// <summary>The machine's load average: numbers measured while other work competes for the two cores are not comparable.</summary>
    private static void PrintLoad(string when)
    {
        if (File.Exists("/proc/loadavg")) Console.WriteLine($"load average {when}: {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public sealed class DeadlineConsumer(Deliveries deliveries) : IConsumer<DeadlineDue>
    {
        public Task Consume(ConsumeContext<DeadlineDue> context)
        {
            deliveries.Record(context.Message);
            return Task.CompletedTask;
        }
    }

    /// <summary>Lateness of each delivery by deadline index, and how often each arrived.</summary>
    public sealed class Deliveries(int capacity)
    {
        private readonly double[] _latenessMs = new double[capacity];
        private readonly DateTimeOffset[] _receivedAt = new DateTimeOffset[capacity];
        private readonly int[] _arrivals = new int[capacity];
        private int _distinct;

        public void Record(DeadlineDue deadline)
        {
            var now = DateTimeOffset.UtcNow;
            if (Interlocked.Increment(ref _arrivals[deadline.Index]) > 1) return;
            _latenessMs[deadline.Index] = (now - deadline.DueAt).TotalMilliseconds;
            _receivedAt[deadline.Index] = now;
            Interlocked.Increment(ref _distinct);
        }

        /// <summary>Waits until every deadline of the range has arrived; throws after <paramref name="timeout"/>.</summary>
        public async Task WaitAsync(int first, int count, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (Enumerable.Range(first, count).Any(i => Volatile.Read(ref _arrivals[i]) == 0))
            {
                if (deadline.Elapsed > timeout)
                    throw new TimeoutException($"{Enumerable.Range(first, count).Count(i => _arrivals[i] == 0)} of {count} deadlines never arrived.");
                await Task.Delay(250);
            }
        }

        public Summary Summarise(int first, int count)
        {
            var lateness = _latenessMs.AsSpan(first, count).ToArray();
            Array.Sort(lateness);
            var duplicates = _arrivals.AsSpan(first, count).ToArray().Sum(a => Math.Max(0, a - 1));
            return new Summary(
                Percentile(lateness, 0.50), Percentile(lateness, 0.90), Percentile(lateness, 0.99), lateness[^1], lateness[0],
                _receivedAt.AsSpan(first, count).ToArray().Max(), duplicates);
        }
    }

    public sealed record Summary(double P50, double P90, double P99, double Max, double Min, DateTimeOffset LastReceived, int Duplicates);

    /// <summary>Collects the dispatcher's own measure, <c>pxp.scheduler.lateness</c>: scheduled time to the end of the send.</summary>
    private sealed class SendLatenessListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<double> _values = [];

        public SendLatenessListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "PatientExperience" && instrument.Name == "pxp.scheduler.lateness") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
            {
                lock (_values) _values.Add(value);
            });
            _listener.Start();
        }

        public Summary TakeSummary()
        {
            double[] values;
            lock (_values)
            {
                values = [.. _values];
                _values.Clear();
            }

            Array.Sort(values);
            return values.Length == 0
                ? new Summary(0, 0, 0, 0, 0, default, 0)
                : new Summary(Percentile(values, 0.50), Percentile(values, 0.90), Percentile(values, 0.99), values[^1], values[0], default, 0);
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
