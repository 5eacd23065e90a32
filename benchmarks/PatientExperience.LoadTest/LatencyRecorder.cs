using System.Collections.Concurrent;
using HdrHistogram;

namespace PatientExperience.LoadTest;

/// <summary>What one request came back with: its HTTP status (0 when it never got one) and whether it counts as a success.</summary>
internal readonly record struct RequestOutcome(int Status, bool Succeeded)
{
    public static RequestOutcome Failed(int status = 0) => new(status, false);

    public static RequestOutcome Ok(int status) => new(status, true);
}

/// <summary>
/// Latencies of one run in an HDR histogram (microseconds, 1 µs to 1 h, 3 significant digits: about 0.1 % error at any
/// value) plus the count of each status. Thread-safe: requests complete on any thread.
/// </summary>
internal sealed class LatencyRecorder
{
    public const long HighestTrackableMicroseconds = 3_600_000_000;

    private readonly LongConcurrentHistogram _histogram = new(1, HighestTrackableMicroseconds, 3);
    private readonly ConcurrentDictionary<int, long> _statuses = new();
    private long _succeeded;
    private long _failed;

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Failed => Interlocked.Read(ref _failed);

    public IReadOnlyDictionary<int, long> Statuses => new SortedDictionary<int, long>(_statuses);

    public HistogramBase Histogram => _histogram;

    /// <summary>Records a request measured from <paramref name="from"/> (its intended or actual send time) to <paramref name="completed"/>.</summary>
    public void Record(TimeSpan from, TimeSpan completed, RequestOutcome outcome)
    {
        _statuses.AddOrUpdate(outcome.Status, 1, (_, n) => n + 1);
        if (!outcome.Succeeded)
        {
            Interlocked.Increment(ref _failed);
            return;
        }

        Interlocked.Increment(ref _succeeded);
        RecordValue(completed - from);
    }

    /// <summary>Records a latency that did not come from a request of this process (submission to case, from the servers' clocks).</summary>
    public void RecordValue(TimeSpan latency)
    {
        var micros = (long)Math.Round(latency.TotalMicroseconds);
        _histogram.RecordValue(Math.Clamp(micros, 1, HighestTrackableMicroseconds));
    }

    public LatencySummary Summarise() => LatencySummary.Of(_histogram);
}

/// <summary>Percentiles of a latency histogram, in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double Mean, double P50, double P90, double P95, double P99, double P999, double Max)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0, 0);

    public static LatencySummary Of(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0) return Empty;
        static double Ms(double micros) => Math.Round(micros / 1000.0, 3);
        return new LatencySummary(
            histogram.TotalCount,
            Ms(histogram.GetMean()),
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(95)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()));
    }
}
