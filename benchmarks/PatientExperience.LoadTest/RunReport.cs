using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientExperience.LoadTest;

/// <summary>One measured run as written to the JSON results: what was offered, to what, and what came back.</summary>
internal sealed record RunReport
{
    public required string Name { get; init; }

    /// <summary><c>open</c> (fixed rate) or <c>closed</c> (N connections).</summary>
    public required string Loop { get; init; }

    public double? OfferedRate { get; init; }

    public int? Connections { get; init; }

    public required double DurationSeconds { get; init; }

    public required long Sent { get; init; }

    public required long Succeeded { get; init; }

    public required long Failed { get; init; }

    public long NotSent { get; init; }

    public required double AchievedRate { get; init; }

    /// <summary>Request latency (open loop: from the intended send time).</summary>
    public required LatencySummary Latency { get; init; }

    public required IReadOnlyDictionary<int, long> Statuses { get; init; }

    /// <summary>End to end only: submission accepted to case opened, from the servers' own timestamps.</summary>
    public EndToEndResult? EndToEnd { get; init; }

    public static RunReport From(string name, RunMeasurement m, double? offeredRate, int? connections, TimeSpan duration) => new()
    {
        Name = name,
        Loop = offeredRate is null ? "closed" : "open",
        OfferedRate = offeredRate,
        Connections = connections,
        DurationSeconds = Math.Round(duration.TotalSeconds, 3),
        Sent = m.Sent,
        Succeeded = m.Succeeded,
        Failed = m.Failed,
        NotSent = m.NotSent,
        AchievedRate = Math.Round(m.AchievedRate, 1),
        Latency = m.Latency,
        Statuses = m.Statuses,
    };

    /// <summary>The one line a person reads: <c>gateway open 400/s 30 s: 12000 sent, 12000 ok (400.0/s), p50 2.1 p95 5.3 p99 9.8 max 40.1 ms</c>.</summary>
    public string SummaryLine()
    {
        var offered = Loop == "open"
            ? string.Create(CultureInfo.InvariantCulture, $"open {OfferedRate:0.#}/s")
            : string.Create(CultureInfo.InvariantCulture, $"closed {Connections} conn");
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{Name} {offered} {DurationSeconds:0.#} s: {Sent} sent, {Succeeded} ok ({AchievedRate:0.0}/s), {Failed} failed{(NotSent > 0 ? $" ({NotSent} not sent: too many in flight)" : "")}, " +
            $"p50 {Latency.P50:0.##} p95 {Latency.P95:0.##} p99 {Latency.P99:0.##} max {Latency.Max:0.##} ms");
        if (EndToEnd is { } e)
        {
            line += string.Create(CultureInfo.InvariantCulture,
                $"; to case ({e.Cases} cases{(e.Missing > 0 ? $", {e.Missing} missing" : "")}): p50 {e.Latency.P50:0.##} p95 {e.Latency.P95:0.##} p99 {e.Latency.P99:0.##} max {e.Latency.Max:0.##} ms, trend {e.TrendMsPerSecond:+0.#;-0.#;0} ms/s, {e.CasesPerSecond:0.0} cases/s");
        }

        return line;
    }
}

/// <summary>Submission to case, from <c>submittedAt</c> (intake) and <c>openedAt</c> (case) of each sampled submission.</summary>
/// <param name="TrendMsPerSecond">
/// How much the latency grew per second of the run (least squares over the samples): about zero when the pipeline keeps up
/// (a polling cycle shows as spread, not trend); about (offered / capacity - 1) x 1000 when a queue grows.
/// </param>
internal sealed record EndToEndResult(int Cases, int Missing, LatencySummary Latency, double CasesPerSecond, double TrendMsPerSecond, IReadOnlyList<EndToEndSample> Samples)
{
    public static double Trend(IReadOnlyList<EndToEndSample> samples)
    {
        return Math.Round(LeastSquares.Slope([.. samples.Select(s => (s.SubmittedAtSeconds, s.ToCaseMs))]), 1);
    }
}

/// <summary>One sampled submission: when it was accepted (seconds from the first sample) and how long until its case opened (ms).</summary>
internal sealed record EndToEndSample(double SubmittedAtSeconds, double ToCaseMs);

/// <summary>A comparison the report states: <paramref name="Measure"/> of <paramref name="Subject"/> over the same of <paramref name="Baseline"/>.</summary>
internal sealed record Ratio(string Subject, string Baseline, string Measure, double Value, string? Target)
{
    public string SummaryLine() => string.Create(CultureInfo.InvariantCulture,
        $"{Subject} / {Baseline} ({Measure}): {Value:0.00}{(Target is null ? "" : $" (target {Target})")}");
}

/// <summary>The whole JSON results file of one invocation of the tool.</summary>
internal sealed record LoadResults
{
    public required DateTimeOffset StartedAt { get; init; }

    public required string Command { get; init; }

    public required MachineInfo Machine { get; init; }

    public required IReadOnlyList<RunReport> Runs { get; init; }

    public IReadOnlyList<MessagingResult> Messaging { get; init; } = [];

    public IReadOnlyList<Ratio> Ratios { get; init; } = [];

    /// <summary>Resident memory (MB) of each process the tool started, idle before the load and after the run.</summary>
    public IReadOnlyDictionary<string, double> ResidentIdleMegabytes { get; init; } = new Dictionary<string, double>();

    public IReadOnlyDictionary<string, double> ResidentAfterMegabytes { get; init; } = new Dictionary<string, double>();

    /// <summary>With <c>--memory-every</c>: each started process's resident memory read during the measured load, and its trend.</summary>
    public IReadOnlyList<MemorySample> ResidentSamples { get; init; } = [];

    public IReadOnlyList<MemoryTrend> ResidentTrends { get; init; } = [];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>Messages a second through a broker client from the first publish to the last consume.</summary>
internal sealed record MessagingResult(string Name, int Messages, double Seconds, double MessagesPerSecond, LatencySummary Latency)
{
    public string SummaryLine() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {Messages} messages in {Seconds:0.00} s = {MessagesPerSecond:0}/s, publish-to-consume p50 {Latency.P50:0.##} p99 {Latency.P99:0.##} ms");
}

/// <summary>The machine the run shared: cores and the load average before and after (other engineers' builds count).</summary>
internal sealed record MachineInfo(int Cores, string Os, string Runtime, double[]? LoadAverageBefore, double[]? LoadAverageAfter)
{
    public static double[]? LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return [.. parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    public static MachineInfo Now() => new(Environment.ProcessorCount, System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, LoadAverage(), null);
}
