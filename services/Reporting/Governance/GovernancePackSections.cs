using System.Globalization;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Reporting.Charts;
using PatientExperience.Reporting.Kpis;
using PatientExperience.Reporting.Projections;
using PatientExperience.Reporting.Signals;

namespace PatientExperience.Reporting.Governance;

/// <summary>Cell formatting shared by the sections: "n/a" where a value cannot be computed (never 0).</summary>
internal static class Cells
{
    public const string None = "n/a";

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Rate(double? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : None;

    public static string Percent(double? ratio) => ratio is { } r ? (r * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : None;

    public static string Hours(long? seconds) => seconds is { } s ? (s / 3600.0).ToString("0.0", CultureInfo.InvariantCulture) + " h" : None;

    public static string Days(long? seconds) => seconds is { } s ? (s / 86400.0).ToString("0.0", CultureInfo.InvariantCulture) + " d" : None;

    public static string Number(double? v) => v is { } x ? x.ToString("0.#", CultureInfo.InvariantCulture) : None;

    public static PackChart Chart(string caption, ScottPlot.Plot plot) => new(caption, ReportCharts.Render(plot, ChartFormat.Png).Content);
}

/// <summary>Feedback, cases and rates per 1,000 discharges this month against the month before.</summary>
public sealed class VolumesSection(KpiQuery kpis) : IGovernancePackSection
{
    public int Order => 100;

    public async Task<PackSection> BuildAsync(PackContext context, CancellationToken ct)
    {
        var now = await kpis.KpisAsync(context.Scope, context.Month.Period, ct);
        var before = await kpis.KpisAsync(context.Scope, context.Month.Previous.Period, ct);
        IReadOnlyList<string> Row(string name, Func<KpiReport, string> value) => [name, value(now), value(before)];
        var table = new PackTable(["Measure", context.Month.ToString(), context.Month.Previous.ToString()],
        [
            Row("Feedback received", k => Cells.Count(k.Feedback.Total)),
            Row("  complaints", k => Cells.Count(k.Feedback.Complaints)),
            Row("  grievances", k => Cells.Count(k.Feedback.Grievances)),
            Row("  compliments", k => Cells.Count(k.Feedback.Compliments)),
            Row("  suggestions", k => Cells.Count(k.Feedback.Suggestions)),
            Row("  questions", k => Cells.Count(k.Feedback.Questions)),
            Row("Cases opened", k => Cells.Count(k.CasesOpened)),
            Row("Cases acknowledged", k => Cells.Count(k.Acknowledged)),
            Row("Cases resolved", k => Cells.Count(k.CasesResolved)),
            Row("Service-recovery cases opened", k => Cells.Count(k.ServiceRecovery.Opened)),
            Row("Discharges", k => Cells.Count(k.RatePer1000Discharges.Discharges)),
            Row("Complaints per 1,000 discharges", k => Cells.Rate(k.RatePer1000Discharges.Complaints)),
            Row("Grievances per 1,000 discharges", k => Cells.Rate(k.RatePer1000Discharges.Grievances)),
        ]);
        return new PackSection("volumes", "Volumes and rates",
        [
            new PackParagraph($"Feedback received and cases opened at {context.FacilityId} in {context.Month} (whole UTC days), beside {context.Month.Previous}. Rates are per 1,000 discharges from the EHR feed, n/a when no discharge was recorded."),
            table,
        ]);
    }
}

/// <summary>The categories with most complaint cases this month, and those rising against the previous period of equal length.</summary>
public sealed class ThemesSection(KpiQuery kpis, SignalsQuery signals, ReportCharts charts) : IGovernancePackSection
{
    public const int TopCategories = 10;

    public int Order => 200;

    public async Task<PackSection> BuildAsync(PackContext context, CancellationToken ct)
    {
        var period = context.Month.Period;
        var current = await ByCategoryAsync(context.Scope, period, ct);
        var previous = await ByCategoryAsync(context.Scope, context.Month.Previous.Period, ct);
        var top = current.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(TopCategories)
            .Select(c => (IReadOnlyList<string>)[c.Key, Cells.Count(c.Value), Cells.Count(previous.GetValueOrDefault(c.Key))]).ToList();
        var rising = await signals.RisingCategoriesAsync(context.Scope, period, ct);
        var blocks = new List<PackBlock>
        {
            new PackParagraph("Top categories: cases opened in the month by category (unspecified: no category given), beside the month before."),
            top.Count == 0 ? new PackParagraph("No case was opened in the month.") : new PackTable(["Category", context.Month.ToString(), context.Month.Previous.ToString()], top),
            new PackParagraph($"Rising categories: complaint and grievance cases against {rising.PreviousFrom:yyyy-MM-dd} to {rising.PreviousTo:yyyy-MM-dd}, largest rise first."),
            rising.Categories.Count == 0
                ? new PackParagraph("No category rose.")
                : new PackTable(["Category", "This month", "Previous period", "Change"],
                    rising.Categories.Select(c => (IReadOnlyList<string>)[c.Category, Cells.Count(c.Current), Cells.Count(c.Previous), "+" + Cells.Count(c.Change)]).ToList()),
            Cells.Chart("Cases opened by category", await charts.BuildAsync(ReportChart.VolumesByCategory, context.Scope, period, SeriesInterval.Month, ct)),
        };
        return new PackSection("themes", "Themes", blocks);
    }

    private async Task<Dictionary<string, long>> ByCategoryAsync(ReportScope scope, ReportPeriod period, CancellationToken ct)
    {
        var series = await kpis.SeriesAsync(scope, period, SeriesInterval.Month, SeriesGrouping.Category, ct);
        return series.Points.GroupBy(p => p.Group ?? DayTotals.Unspecified, StringComparer.Ordinal)
            .Select(g => (g.Key, Cases: g.Sum(p => p.CasesOpened))).Where(g => g.Cases > 0)
            .ToDictionary(g => g.Key, g => g.Cases, StringComparer.Ordinal);
    }
}

/// <summary>Acknowledgements, interim notices and responses against the deadlines of the facility's SLA policy.</summary>
public sealed class TimelinessSection(KpiQuery kpis, ReportCharts charts) : IGovernancePackSection
{
    public int Order => 300;

    public async Task<PackSection> BuildAsync(PackContext context, CancellationToken ct)
    {
        var now = await kpis.KpisAsync(context.Scope, context.Month.Period, ct);
        var before = await kpis.KpisAsync(context.Scope, context.Month.Previous.Period, ct);
        IReadOnlyList<string> Row(string name, Func<KpiReport, string> value) => [name, value(now), value(before)];
        var trend = context.Month.Trailing(PackContext.TrendMonths);
        return new PackSection("timeliness", "Timeliness against the facility's clocks",
        [
            new PackParagraph("Deadlines are those of the facility's SLA policy, set from its regulatory profile: the CMS grievance rules (acknowledge promptly, respond in writing within the policy's days, interim notice when the review runs longer) or the NHS complaint rules (acknowledge within 3 working days, respond within the agreed period). On time: met without an SLA breach; share of the outcomes known in the month."),
            new PackTable(["Measure", context.Month.ToString(), context.Month.Previous.ToString()],
            [
                Row("Acknowledged on time", k => Cells.Percent(k.SlaCompliance.AcknowledgedOnTime)),
                Row("Interim notice on time", k => Cells.Percent(k.SlaCompliance.InterimNoticeOnTime)),
                Row("Response on time", k => Cells.Percent(k.SlaCompliance.ResponseOnTime)),
                Row("Time to acknowledge, median", k => Cells.Hours(k.TimeToAcknowledgeSeconds.P50)),
                Row("Time to acknowledge, 90th percentile", k => Cells.Hours(k.TimeToAcknowledgeSeconds.P90)),
                Row("Time to resolve, median", k => Cells.Days(k.TimeToResolveSeconds.P50)),
                Row("Time to resolve, 90th percentile", k => Cells.Days(k.TimeToResolveSeconds.P90)),
            ]),
            Cells.Chart($"SLA compliance per month, {trend.From:yyyy-MM} to {context.Month}",
                await charts.BuildAsync(ReportChart.SlaCompliance, context.Scope, trend, SeriesInterval.Month, ct)),
        ]);
    }
}

/// <summary>Cases reaching the department and executive levels.</summary>
public sealed class EscalationsSection(KpiQuery kpis, ReportCharts charts) : IGovernancePackSection
{
    public int Order => 400;

    public async Task<PackSection> BuildAsync(PackContext context, CancellationToken ct)
    {
        var now = await kpis.KpisAsync(context.Scope, context.Month.Period, ct);
        var before = await kpis.KpisAsync(context.Scope, context.Month.Previous.Period, ct);
        var trend = context.Month.Trailing(PackContext.TrendMonths);
        return new PackSection("escalations", "Escalations",
        [
            new PackParagraph("Cases that reached a level for the first time in the month: the department level (department head) after a missed unit deadline, the executive level after a missed department deadline or at once for critical severity."),
            new PackTable(["Level", context.Month.ToString(), context.Month.Previous.ToString()],
            [
                ["Department", Cells.Count(now.Escalations.Department), Cells.Count(before.Escalations.Department)],
                ["Executive", Cells.Count(now.Escalations.Executive), Cells.Count(before.Escalations.Executive)],
            ]),
            Cells.Chart($"Escalations by level per month, {trend.From:yyyy-MM} to {context.Month}",
                await charts.BuildAsync(ReportChart.EscalationsByLevel, context.Scope, trend, SeriesInterval.Month, ct)),
        ]);
    }
}

/// <summary>Grievances still open at the end of the month, and those past their response deadline: counts only.</summary>
public sealed class OverdueGrievancesSection(ReportingStore store) : IGovernancePackSection
{
    public int Order => 500;

    public async Task<PackSection> BuildAsync(PackContext context, CancellationToken ct)
    {
        var end = context.Month.Period.End;
        var at = end < context.Now ? end : context.Now;
        var open = (await store.OpenCaseFactsAtAsync(context.Scope, at, ct)).Where(c => c.Classification == CaseType.Grievance).ToList();
        var overdue = open.Where(c => c.ResponseBreachedAt is { } b && b <= at).ToList();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (name, fromDays) in KpiQuery.AgeBands.Reverse())
        {
            var inBand = open.Where(c => (int)Math.Floor((at - c.OpenedAt!.Value).TotalDays) >= fromDays).ToList();
            open = open.Except(inBand).ToList();
            rows.Insert(0, [name, Cells.Count(inBand.Count), Cells.Count(inBand.Count(c => overdue.Contains(c)))]);
        }

        var byDepartment = overdue.GroupBy(c => c.DepartmentId ?? DayTotals.Unspecified, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)[g.Key, Cells.Count(g.Count())]).ToList();
        return new PackSection("overdue-grievances", "Overdue grievances",
        [
            new PackParagraph($"Grievances open at {at:yyyy-MM-dd HH:mm} UTC by age, and those past their response deadline (an SLA breach of the response). {Cells.Count(overdue.Count)} overdue. Counts only: the cases themselves are in the case worklist (overdue filter)."),
            new PackTable(["Age", "Open grievances", "Past the response deadline"], rows),
            byDepartment.Count == 0 ? new PackParagraph("No grievance is past its response deadline.") : new PackTable(["Department", "Overdue grievances"], byDepartment),
        ]);
    }
}

/// <summary>Survey response rate and NPS per month over the last six months.</summary>
public sealed class SurveyTrendsSection(KpiQuery kpis, ReportCharts charts) : IGovernancePackSection
{
    public int Order => 600;

    public async Task<PackSection> BuildAsync(PackContext context, CancellationToken ct)
    {
        var rows = new List<IReadOnlyList<string>>();
        var month = context.Month.Trailing(PackContext.TrendMonths).From;
        for (var i = 0; i < PackContext.TrendMonths; i++, month = month.AddMonths(1))
        {
            var m = PackMonth.Of(month);
            var k = (await kpis.KpisAsync(context.Scope, m.Period, ct)).Surveys;
            var ci = k.NpsCi95 is { Count: 2 } c ? $"{Cells.Number(c[0])} to {Cells.Number(c[1])}" : Cells.None;
            rows.Add([m.ToString(), Cells.Percent(k.ResponseRate), Cells.Count(k.N), Cells.Number(k.Nps), ci, k.SmallSample ? "yes" : "no"]);
        }

        var trend = context.Month.Trailing(PackContext.TrendMonths);
        return new PackSection("survey-trends", "Survey trends",
        [
            new PackParagraph("Post-discharge surveys: response rate of the invitations issued in the month, net promoter score of the answers received, with its 95% confidence interval. Small sample: fewer than the configured minimum of answers; read with care."),
            new PackTable(["Month", "Response rate", "NPS answers", "NPS", "95% CI", "Small sample"], rows),
            Cells.Chart($"Net promoter score per month, {trend.From:yyyy-MM} to {context.Month}",
                await charts.BuildAsync(ReportChart.NpsTrend, context.Scope, trend, SeriesInterval.Month, ct)),
        ]);
    }
}

/// <summary>The u-chart signals of the facility's units in the month (weekly points, the last six months as the baseline).</summary>
public sealed class SignalsSection(SignalsQuery signals) : IGovernancePackSection
{
    public int Order => 700;

    public async Task<PackSection> BuildAsync(PackContext context, CancellationToken ct)
    {
        var list = await signals.SignalsAsync(context.Scope, context.Month.Trailing(PackContext.TrendMonths), SeriesInterval.Week, ct);
        var inMonth = list.Signals.Where(s => s.Period >= context.Month.First.AddDays(-6) && s.Period <= context.Month.Last).ToList();
        return new PackSection("signals", "Signals",
        [
            new PackParagraph("Complaints (complaint and grievance cases) per 1,000 discharges for each unit on a u-chart per ISO week, the last six months as the baseline: a week above its upper control limit, or 8 weeks in a row above the centre line. Weeks that overlap the month are listed."),
            inMonth.Count == 0
                ? new PackParagraph("No unit's complaint rate signalled in the month.")
                : new PackTable(["Unit", "Department", "Rule", "Week of", "Rate", "Centre", "Upper limit"],
                    inMonth.Select(s => (IReadOnlyList<string>)[s.UnitId, s.DepartmentId ?? DayTotals.Unspecified, s.Rule.ToWire(), s.Period.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        Cells.Rate(s.Value), Cells.Rate(s.Centre), Cells.Rate(s.UpperLimit)]).ToList()),
        ]);
    }
}
