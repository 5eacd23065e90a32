using System.Globalization;

namespace PatientExperience.LoadTest;

/// <summary>One reading of a started process's resident memory, <paramref name="Seconds"/> after the measured load began.</summary>
internal sealed record MemorySample(double Seconds, string Process, double Megabytes);

/// <summary>
/// A process's resident memory over a run: first, lowest, highest and last reading, and the least-squares slope over the
/// second half of the run (MB a minute). The first half is left out of the slope because a process fills its caches, pools
/// and GC budget while the load ramps up; growth that goes on after that is what a leak looks like.
/// </summary>
internal sealed record MemoryTrend(string Process, int Samples, double First, double Min, double Max, double Last, double SecondHalfMbPerMinute)
{
    public static IReadOnlyList<MemoryTrend> From(IReadOnlyList<MemorySample> samples) =>
    [
        .. samples.GroupBy(s => s.Process, StringComparer.Ordinal).Select(process =>
        {
            var ordered = process.OrderBy(s => s.Seconds).ToList();
            var half = ordered[^1].Seconds / 2;
            var secondHalf = ordered.Where(s => s.Seconds >= half).Select(s => (s.Seconds / 60, s.Megabytes)).ToList();
            return new MemoryTrend(process.Key, ordered.Count, ordered[0].Megabytes, ordered.Min(s => s.Megabytes), ordered.Max(s => s.Megabytes),
                ordered[^1].Megabytes, Math.Round(LeastSquares.Slope(secondHalf), 2));
        }),
    ];

    public string SummaryLine() => string.Create(CultureInfo.InvariantCulture,
        $"memory {Process} ({Samples} readings): first {First:0} MB, min {Min:0}, max {Max:0}, last {Last:0}; second half {SecondHalfMbPerMinute:+0.00;-0.00;0} MB/min");
}

/// <summary>Reads the resident memory of the processes a platform runs every <c>interval</c> until disposed.</summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly List<MemorySample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public MemorySampler(Func<IReadOnlyDictionary<string, double>> read, TimeSpan interval)
    {
        var started = TimeProvider.System.GetTimestamp();
        _sampling = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
                foreach (var (process, megabytes) in read())
                {
                    lock (_samples) _samples.Add(new MemorySample(Math.Round(seconds, 1), process, megabytes));
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
        });
    }

    public IReadOnlyList<MemorySample> Samples
    {
        get
        {
            lock (_samples) return [.. _samples];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}

/// <summary>The least-squares slope of y over x.</summary>
internal static class LeastSquares
{
    public static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2) return 0;
        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        return sxx == 0 ? 0 : points.Sum(p => (p.X - meanX) * (p.Y - meanY)) / sxx;
    }
}
