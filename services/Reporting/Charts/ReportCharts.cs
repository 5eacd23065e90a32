using System.Globalization;
using System.Text;
using PatientExperience.Reporting.Kpis;
using PatientExperience.Reporting.Signals;
using ScottPlot;

namespace PatientExperience.Reporting.Charts;

/// <summary>
/// Draws the reports' charts with ScottPlot from the same queries the JSON reports answer from (the KPI series and the
/// units' u-charts), and encodes them as SVG or PNG. Every chart has a title naming its scope and period, and labelled axes;
/// each series has a colour of its own (<see cref="Colours"/>), so a reader (and a test) can tell them apart.
/// </summary>
public sealed class ReportCharts(KpiQuery kpis, SignalsQuery signals)
{
    public const int Width = 900;
    public const int Height = 480;

    /// <summary>Route names of the charts.</summary>
    public static readonly IReadOnlyDictionary<string, ReportChart> Names = new Dictionary<string, ReportChart>(StringComparer.Ordinal)
    {
        ["volumes-by-category"] = ReportChart.VolumesByCategory,
        ["time-to-acknowledge"] = ReportChart.TimeToAcknowledge,
        ["time-to-resolve"] = ReportChart.TimeToResolve,
        ["sla-compliance"] = ReportChart.SlaCompliance,
        ["escalations-by-level"] = ReportChart.EscalationsByLevel,
        ["nps-trend"] = ReportChart.NpsTrend,
        ["u-chart"] = ReportChart.UChart,
    };

    public static string NameOf(ReportChart chart) => Names.First(n => n.Value == chart).Key;

    /// <summary>The series colours (hex, as they appear in an SVG's <c>fill</c>).</summary>
    public static class Colours
    {
        public const string Primary = "#1F77B4";
        public const string Secondary = "#FF7F0E";
        public const string Tertiary = "#2CA02C";
        public const string Limit = "#7F7F7F";
        public const string Signal = "#D62728";
    }

    public async Task<Plot> BuildAsync(ReportChart chart, ReportScope scope, ReportPeriod period, SeriesInterval interval, CancellationToken ct) => chart switch
    {
        ReportChart.VolumesByCategory => VolumesByCategory(scope, period, await kpis.SeriesAsync(scope, period, SeriesInterval.Month, SeriesGrouping.Category, ct)),
        ReportChart.UChart => UChartOf(scope, period, interval, await signals.UnitChartsAsync(scope, period, interval, ct)),
        _ => Trend(chart, scope, period, interval, await kpis.SeriesAsync(scope, period, interval, SeriesGrouping.None, ct)),
    };

    public static ChartImage Render(Plot plot, ChartFormat format, int width = Width, int height = Height)
    {
        plot.Font.Set(ReportFonts.Family);
        return format == ChartFormat.Png
            ? new ChartImage(plot.GetImageBytes(width, height, ImageFormat.Png), "image/png")
            : new ChartImage(Encoding.UTF8.GetBytes(plot.GetSvgXml(width, height)), "image/svg+xml");
    }

    internal static Plot VolumesByCategory(ReportScope scope, ReportPeriod period, KpiSeries series)
    {
        var totals = series.Points.GroupBy(p => p.Group ?? "", StringComparer.Ordinal)
            .Select(g => (Category: g.Key, Cases: g.Sum(p => p.CasesOpened)))
            .Where(t => t.Cases > 0)
            .OrderByDescending(t => t.Cases).ThenBy(t => t.Category, StringComparer.Ordinal)
            .ToList();
        var plot = NewPlot($"Cases opened by category, {Describe(scope, period)}", "Category", "Cases opened");
        var bars = totals.Select((t, i) => new Bar { Position = i, Value = t.Cases, FillColor = Color.FromHex(Colours.Primary), LineWidth = 0 }).ToList();
        plot.Add.Bars(bars);
        Ticks(plot, totals.Select(t => t.Category).ToList());
        CountAxis(plot, bars);
        return Finish(plot, totals.Count);
    }

    internal static Plot Trend(ReportChart chart, ReportScope scope, ReportPeriod period, SeriesInterval interval, KpiSeries series)
    {
        var points = series.Points;
        var labels = points.Select(p => PeriodLabel(p.Period, interval)).ToList();
        var every = $"per {ReportParameters.Name(interval)}";
        Plot plot;
        switch (chart)
        {
            case ReportChart.TimeToAcknowledge:
                plot = NewPlot($"Time to acknowledge {every}, {Describe(scope, period)}", Axis(interval), "Hours");
                Line(plot, points, p => p.TimeToAcknowledgeSeconds.P50 / 3600.0, "Median", Colours.Primary);
                Line(plot, points, p => p.TimeToAcknowledgeSeconds.P90 / 3600.0, "90th percentile", Colours.Secondary);
                break;
            case ReportChart.TimeToResolve:
                plot = NewPlot($"Time to resolve {every}, {Describe(scope, period)}", Axis(interval), "Days");
                Line(plot, points, p => p.TimeToResolveSeconds.P50 / 86400.0, "Median", Colours.Primary);
                Line(plot, points, p => p.TimeToResolveSeconds.P90 / 86400.0, "90th percentile", Colours.Secondary);
                break;
            case ReportChart.SlaCompliance:
                plot = NewPlot($"SLA compliance {every}, {Describe(scope, period)}", Axis(interval), "On time (%)");
                Line(plot, points, p => p.SlaCompliance.AcknowledgedOnTime * 100, "Acknowledged on time", Colours.Primary);
                Line(plot, points, p => p.SlaCompliance.InterimNoticeOnTime * 100, "Interim notice on time", Colours.Secondary);
                Line(plot, points, p => p.SlaCompliance.ResponseOnTime * 100, "Response on time", Colours.Tertiary);
                plot.Axes.SetLimitsY(0, 105);
                break;
            case ReportChart.EscalationsByLevel:
                plot = NewPlot($"Escalations by level {every}, {Describe(scope, period)}", Axis(interval), "Cases escalated");
                var bars = new List<Bar>();
                for (var i = 0; i < points.Count; i++)
                {
                    bars.Add(new Bar { Position = i - 0.2, Value = points[i].Escalations.Department, Size = 0.4, FillColor = Color.FromHex(Colours.Primary), LineWidth = 0 });
                    bars.Add(new Bar { Position = i + 0.2, Value = points[i].Escalations.Executive, Size = 0.4, FillColor = Color.FromHex(Colours.Secondary), LineWidth = 0 });
                }

                plot.Add.Bars(bars);
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = "Department", FillColor = Color.FromHex(Colours.Primary) });
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = "Executive", FillColor = Color.FromHex(Colours.Secondary) });
                CountAxis(plot, bars);
                break;
            case ReportChart.NpsTrend:
                plot = NewPlot($"Net promoter score {every}, {Describe(scope, period)}", Axis(interval), "NPS (-100 to 100)");
                Line(plot, points, p => p.Nps, "NPS", Colours.Primary, inLegend: false);
                plot.Axes.SetLimitsY(-105, 105);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(chart), chart, "Not a trend chart.");
        }

        Ticks(plot, labels);
        if (chart != ReportChart.NpsTrend) plot.ShowLegend(Edge.Bottom);
        return Finish(plot, points.Count);
    }

    internal static Plot UChartOf(ReportScope scope, ReportPeriod period, SeriesInterval interval, IReadOnlyList<(UnitKey Unit, UChart Chart)> charts)
    {
        var unit = scope.UnitId ?? "";
        var plot = NewPlot($"Complaints per 1,000 discharges, unit {unit} per {ReportParameters.Name(interval)}, {Describe(scope with { UnitId = null }, period)}",
            Axis(interval), "Complaints per 1,000 discharges");
        var chart = charts.FirstOrDefault().Chart;
        var points = chart?.Points ?? [];
        if (chart is not null && points.Count > 0)
        {
            var xs = Enumerable.Range(0, points.Count).Select(i => (double)i).ToArray();
            Series(plot, xs, points.Select(p => p.UpperLimit).ToArray(), "Upper control limit", Colours.Limit, markers: false, ConnectStyle.StepVertical);
            Series(plot, xs, points.Select(p => p.LowerLimit).ToArray(), "Lower control limit", Colours.Limit, markers: false, ConnectStyle.StepVertical, pattern: LinePattern.Dotted);
            var centre = plot.Add.HorizontalLine(chart.Centre, 1.5f, Color.FromHex(Colours.Tertiary), LinePattern.Dashed);
            centre.LegendText = "Centre line";
            Series(plot, xs, points.Select(p => p.Value).ToArray(), "Complaints per 1,000 discharges", Colours.Primary, markers: true);
            var fired = chart.Signals.Select(s => s.Period).ToHashSet();
            var flagged = points.Select((p, i) => (p, i)).Where(x => fired.Contains(x.p.Period)).ToList();
            if (flagged.Count > 0)
            {
                var signal = plot.Add.ScatterPoints(flagged.Select(x => (double)x.i).ToArray(), flagged.Select(x => x.p.Value).ToArray(), Color.FromHex(Colours.Signal));
                signal.MarkerSize = 11;
                signal.MarkerShape = MarkerShape.FilledCircle;
                signal.LegendText = "Signal";
            }

            plot.ShowLegend(Edge.Bottom);
        }

        Ticks(plot, points.Select(p => PeriodLabel(p.Period, interval)).ToList());
        plot.Axes.SetLimitsY(0, Math.Max(10, points.Count == 0 ? 0 : points.Max(p => Math.Max(p.Value, p.UpperLimit)) * 1.1));
        return Finish(plot, points.Count);
    }

    private static Plot NewPlot(string title, string x, string y)
    {
        ReportFonts.EnsureRegistered();
        var plot = new Plot();
        plot.Title(title, size: 15);
        plot.XLabel(x, size: 13);
        plot.YLabel(y, size: 13);
        return plot;
    }

    private static Plot Finish(Plot plot, int points)
    {
        if (points == 0)
        {
            var note = plot.Add.Annotation("No data in this period");
            note.LabelFontName = ReportFonts.Family;
        }

        return plot;
    }

    private static void Line(Plot plot, IReadOnlyList<SeriesPoint> points, Func<SeriesPoint, double?> value, string label, string colour, bool inLegend = true)
    {
        var present = points.Select((p, i) => (X: (double)i, Y: value(p))).Where(p => p.Y is not null).ToList();
        if (present.Count == 0) return;
        Series(plot, present.Select(p => p.X).ToArray(), present.Select(p => p.Y!.Value).ToArray(), inLegend ? label : null, colour, markers: true);
    }

    private static void Series(Plot plot, double[] xs, double[] ys, string? legend, string colour, bool markers,
        ConnectStyle connect = ConnectStyle.Straight, LinePattern? pattern = null)
    {
        var line = plot.Add.Scatter(xs, ys, Color.FromHex(colour));
        line.LineWidth = 2;
        line.ConnectStyle = connect;
        line.MarkerShape = markers ? MarkerShape.FilledCircle : MarkerShape.None;
        line.MarkerSize = markers ? 7 : 0;
        if (pattern is { } p) line.LinePattern = p;
        if (legend is not null) line.LegendText = legend;
    }

    /// <summary>Counts start at zero, with room above the highest bar.</summary>
    private static void CountAxis(Plot plot, IReadOnlyList<Bar> bars) =>
        plot.Axes.SetLimitsY(0, Math.Max(1, bars.Count == 0 ? 0 : bars.Max(b => b.Value)) * 1.15);

    /// <summary>Category or period labels under the bars or points, thinned to about 12 so they stay readable.</summary>
    private static void Ticks(Plot plot, IReadOnlyList<string> labels)
    {
        var step = Math.Max(1, (int)Math.Ceiling(labels.Count / 12.0));
        var shown = Enumerable.Range(0, labels.Count).Where(i => i % step == 0).ToArray();
        plot.Axes.Bottom.SetTicks(shown.Select(i => (double)i).ToArray(), shown.Select(i => labels[i]).ToArray());
        if (labels.Count > 0) plot.Axes.SetLimitsX(-0.7, labels.Count - 0.3);
    }

    private static string Axis(SeriesInterval interval) => interval switch
    {
        SeriesInterval.Day => "Day",
        SeriesInterval.Week => "Week (from Monday)",
        _ => "Month",
    };

    internal static string PeriodLabel(DateOnly period, SeriesInterval interval) =>
        period.ToString(interval == SeriesInterval.Month ? "yyyy-MM" : "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Describe(ReportScope scope, ReportPeriod period)
    {
        var where = scope.FacilityIds is null ? "all facilities" : string.Join(", ", scope.FacilityIds);
        if (scope.DepartmentId is { } d) where += $" / {d}";
        if (scope.UnitId is { } u) where += $" / {u}";
        return $"{where}, {period.From:yyyy-MM-dd} to {period.To:yyyy-MM-dd}";
    }
}
