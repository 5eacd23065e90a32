using PatientExperience.Reporting.Charts;

namespace PatientExperience.LoadTest;

/// <summary>Latency against offered load: p50, p95 and p99 of each open-loop run (end to end when measured, else the request), log scale.</summary>
internal static class LatencyPlot
{
    public static void Write(IReadOnlyList<RunReport> runs, string path)
    {
        var points = runs.Where(r => r.OfferedRate is not null).OrderBy(r => r.OfferedRate).ToList();
        if (points.Count == 0) return;
        ReportFonts.EnsureRegistered();
        var plot = new ScottPlot.Plot();
        plot.Font.Set(ReportFonts.Family);
        var endToEnd = points.All(r => r.EndToEnd is not null);
        double[] xs = [.. points.Select(r => r.OfferedRate!.Value)];
        foreach (var (label, pick) in new (string, Func<LatencySummary, double>)[] { ("p50", l => l.P50), ("p95", l => l.P95), ("p99", l => l.P99) })
        {
            double[] ys = [.. points.Select(r => Math.Log10(Math.Max(0.1, pick(endToEnd ? r.EndToEnd!.Latency : r.Latency))))];
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = label;
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = y => Math.Pow(10, y).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) };
        plot.Title(endToEnd ? "Submission to case (server timestamps) against offered load" : "Request latency against offered load");
        plot.XLabel("offered load (submissions/s, open loop)");
        plot.YLabel("latency (ms, log scale)");
        plot.ShowLegend();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)) File.WriteAllText(path, plot.GetSvgXml(900, 500));
        else plot.SavePng(path, 900, 500);
    }
}
