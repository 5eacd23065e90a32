using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Reporting.Signals;

namespace PatientExperience.Reporting.Tests;

/// <summary>The u-chart and its rules against numbers worked out by hand (rates, centre and limits per 1,000 discharges).</summary>
public sealed class UChartTests
{
    private static readonly DateOnly Start = new(2026, 1, 5);

    private static UChartSample Week(int i, long complaints, long discharges) => new(Start.AddDays(7 * i), complaints, discharges);

    [Fact]
    public void A_point_above_its_own_upper_limit_fires_and_the_limits_narrow_with_more_discharges()
    {
        // c = 0, 11, 0, 29, 0 over n = 100, 100, 100, 400, 300 (and a week without discharges, skipped): u-bar = 40 / 1000 = 0.04.
        // n = 100: 3 sqrt(0.04 / 100) = 0.06, limits [0, 0.10] -> [0, 100]; 11/100 = 110 > 100 fires.
        // n = 400: 3 sqrt(0.04 / 400) = 0.03, limits [0.01, 0.07] -> [10, 70]; 29/400 = 72.5 > 70 fires (though under 100).
        // n = 300: 3 sqrt(0.04 / 300) = 0.034641, upper 0.074641 -> 74.64.
        var chart = new UChart([Week(0, 0, 100), Week(1, 11, 100), Week(2, 0, 100), Week(3, 29, 400), Week(4, 0, 300), Week(5, 5, 0)]);

        Assert.Equal(40, chart.Centre, 9);
        Assert.Equal(5, chart.Points.Count);
        Assert.Equal((0, 100), (chart.Points[0].LowerLimit, Math.Round(chart.Points[0].UpperLimit, 9)));
        Assert.Equal((10, 70), (Math.Round(chart.Points[3].LowerLimit, 9), Math.Round(chart.Points[3].UpperLimit, 9)));
        Assert.Equal(74.64, Math.Round(chart.Points[4].UpperLimit, 2));
        Assert.Equal(
            [(Start.AddDays(7), SignalRule.AboveUpperLimit, 110.0, 100.0), (Start.AddDays(21), SignalRule.AboveUpperLimit, 72.5, 70.0)],
            chart.Signals.Select(s => (s.Period, s.Rule, Math.Round(s.Value, 9), Math.Round(s.UpperLimit, 9))));
        Assert.All(chart.Signals, s => Assert.Equal(40, s.Centre, 9));
    }

    [Fact]
    public void A_run_of_eight_points_above_the_centre_line_fires_once_at_its_eighth_point()
    {
        // 6 weeks at 10 then 10 weeks at 14 complaints per 1,000 discharges: u-bar = (60 + 140) / 16000 -> 12.5.
        // Upper limit 1000 (0.0125 + 3 sqrt(0.0125 / 1000)) = 23.11: no point above it. The run starts at week 6; its 8th point is week 13.
        var chart = new UChart(Enumerable.Range(0, 16).Select(i => Week(i, i < 6 ? 10 : 14, 1000)));

        Assert.Equal(12.5, chart.Centre, 9);
        var signal = Assert.Single(chart.Signals);
        Assert.Equal((Start.AddDays(7 * 13), SignalRule.RunAboveCentre, 14.0), (signal.Period, signal.Rule, Math.Round(signal.Value, 9)));
        Assert.Equal(23.11, Math.Round(signal.UpperLimit, 2));
    }

    [Fact]
    public void Seven_points_above_the_centre_line_are_not_a_run_and_nothing_without_discharges_is_charted()
    {
        // 9 weeks at 10, then 7 at 14: u-bar = 188 / 16000 -> 11.75; the 7 are above it, under the upper limit (22.03).
        var seven = new UChart(Enumerable.Range(0, 16).Select(i => Week(i, i < 9 ? 10 : 14, 1000)));
        Assert.Equal(11.75, seven.Centre, 9);
        Assert.Empty(seven.Signals);

        var none = new UChart([Week(0, 3, 0), Week(1, 4, 0)]);
        Assert.Empty(none.Points);
        Assert.Empty(none.Signals);
        Assert.Equal(0, none.Centre);
    }
}
