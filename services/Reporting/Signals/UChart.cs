using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Reporting.Signals;

/// <summary>One period of a u-chart: the events counted and the exposure they happened in (discharges).</summary>
public sealed record UChartSample(DateOnly Period, long Count, long Exposure);

/// <summary>A period of a u-chart with its rate and control limits, all per <see cref="UChart.Per"/> units of exposure.</summary>
public sealed record UChartPoint(DateOnly Period, double Value, double LowerLimit, double UpperLimit);

/// <summary>A rule that fired at a period of a u-chart.</summary>
public sealed record UChartSignal(DateOnly Period, SignalRule Rule, double Value, double Centre, double UpperLimit);

/// <summary>
/// A u-chart (statistical process control for rates with varying exposure): u_i = c_i / n_i per period, the centre line
/// u-bar = sum c / sum n over the baseline (every sample given), limits u-bar ± 3·sqrt(u-bar / n_i) (the lower one floored
/// at 0), all scaled by <see cref="Per"/> (per 1,000 discharges). Periods without exposure have no rate and are skipped.
/// Rules: a point above its upper limit (<see cref="SignalRule.AboveUpperLimit"/>), and a run of <see cref="RunLength"/>
/// consecutive points above the centre line (<see cref="SignalRule.RunAboveCentre"/>, fired once per run, at the point
/// that completes it). Pure: no clock, no I/O.
/// </summary>
public sealed class UChart
{
    public const double Per = 1000;
    public const int RunLength = 8;

    public UChart(IEnumerable<UChartSample> samples)
    {
        var usable = samples.Where(s => s.Exposure > 0).OrderBy(s => s.Period).ToList();
        var exposure = usable.Sum(s => s.Exposure);
        var ubar = exposure == 0 ? 0 : (double)usable.Sum(s => s.Count) / exposure;
        Centre = ubar * Per;
        Points = usable.Select(s =>
        {
            var spread = 3 * Math.Sqrt(ubar / s.Exposure);
            return new UChartPoint(s.Period, (double)s.Count / s.Exposure * Per, Math.Max(0, ubar - spread) * Per, (ubar + spread) * Per);
        }).ToList();
        Signals = Evaluate(Points, Centre);
    }

    /// <summary>u-bar, per <see cref="Per"/>.</summary>
    public double Centre { get; }

    /// <summary>The periods with exposure, in order.</summary>
    public IReadOnlyList<UChartPoint> Points { get; }

    public IReadOnlyList<UChartSignal> Signals { get; }

    private static List<UChartSignal> Evaluate(IReadOnlyList<UChartPoint> points, double centre)
    {
        var signals = new List<UChartSignal>();
        var run = 0;
        foreach (var p in points)
        {
            if (p.Value > p.UpperLimit) signals.Add(new UChartSignal(p.Period, SignalRule.AboveUpperLimit, p.Value, centre, p.UpperLimit));
            run = p.Value > centre ? run + 1 : 0;
            if (run == RunLength) signals.Add(new UChartSignal(p.Period, SignalRule.RunAboveCentre, p.Value, centre, p.UpperLimit));
        }

        return signals;
    }
}
