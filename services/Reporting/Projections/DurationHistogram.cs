namespace PatientExperience.Reporting.Projections;

/// <summary>
/// Durations in seconds counted in fixed, logarithmic buckets: bucket 0 holds [0, 1) s, bucket k holds [r^(k-1), r^k) s with
/// r = 1.05. Histograms of days add up, so a period's percentiles come from a few hundred numbers per day rather than from
/// every case; a percentile is reported as its bucket's geometric middle, within 2.5% of the exact value.
/// </summary>
public sealed class DurationHistogram : Dictionary<int, long>
{
    public const double Ratio = 1.05;
    private static readonly double LogRatio = Math.Log(Ratio);

    public static int BucketOf(double seconds) => seconds < 1 ? 0 : 1 + (int)Math.Floor(Math.Log(seconds) / LogRatio);

    /// <summary>The value a bucket stands for: 0 for the first, otherwise the geometric middle of its bounds.</summary>
    public static double ValueOf(int bucket) => bucket == 0 ? 0 : Math.Pow(Ratio, bucket - 0.5);

    public static DurationHistogram Of(double seconds) => new() { [BucketOf(seconds)] = 1 };

    public long Total => Values.Sum();

    public void Add(DurationHistogram other)
    {
        foreach (var (bucket, count) in other) this[bucket] = this.GetValueOrDefault(bucket) + count;
    }

    /// <summary>
    /// <paramref name="histogram"/> with <paramref name="other"/> added (sign 1) or taken away (sign -1); empty buckets are
    /// dropped, and an empty result is null.
    /// </summary>
    public static DurationHistogram? Combine(DurationHistogram? histogram, DurationHistogram other, int sign)
    {
        var result = histogram ?? new DurationHistogram();
        foreach (var (bucket, count) in other)
        {
            var sum = result.GetValueOrDefault(bucket) + sign * count;
            if (sum == 0) result.Remove(bucket);
            else result[bucket] = sum;
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>The nearest-rank percentile (0 &lt; p &lt;= 1) in whole seconds, or null when empty.</summary>
    public long? Percentile(double p)
    {
        var n = Total;
        if (n == 0) return null;
        var rank = (long)Math.Ceiling(p * n);
        long seen = 0;
        foreach (var (bucket, count) in this.OrderBy(b => b.Key))
        {
            seen += count;
            if (seen >= rank) return (long)Math.Round(ValueOf(bucket));
        }

        return (long)Math.Round(ValueOf(Keys.Max()));
    }
}
