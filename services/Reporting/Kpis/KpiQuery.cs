using System.Diagnostics;
using Microsoft.Extensions.Options;
using PatientExperience.Reporting.Projections;

namespace PatientExperience.Reporting.Kpis;

/// <summary>
/// The reporting read model's queries, shared by HTTP and gRPC: a scope and a period in, typed results out. Reads the
/// pre-aggregated unit-months and unit-days of the period (the KPIs: one row per unit and whole month, one per unit and day at
/// the period's ragged ends; series and comparisons: one row per unit and day), whatever the volume, and, for the backlog,
/// the cases open at the end of the period.
/// </summary>
public sealed class KpiQuery(ReportingStore store, IOptions<ReportingOptions> options, TimeProvider clock)
{
    /// <summary>Backlog age bands: (name, lowest age in whole days).</summary>
    public static readonly IReadOnlyList<(string Name, int FromDays)> AgeBands = [("0-2d", 0), ("3-7d", 3), ("8-30d", 8), ("over-30d", 31)];

    public async Task<KpiReport> KpisAsync(ReportScope scope, ReportPeriod period, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var total = await store.TotalsAsync(scope, period.From, period.To, ct);
        var report = Build(scope, period, total, await BacklogAsync(scope, period, ct));
        Record("kpis", started);
        return report;
    }

    public async Task<KpiSeries> SeriesAsync(ReportScope scope, ReportPeriod period, SeriesInterval interval, SeriesGrouping grouping, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var points = new SortedDictionary<(DateOnly Period, string Group), Measures>();
        void Add(DateOnly start, string group, Measures m)
        {
            if (!points.TryGetValue((start, group), out var sum)) points[(start, group)] = sum = new Measures();
            sum.Add(m);
        }

        await foreach (var day in store.DaysAsync(scope, period.From, period.To, ct))
        {
            if (day.Totals.Subjects == 0) continue; // only withdrawn entries: nothing happened there
            var start = PeriodStart(DateOnly.ParseExact(day.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), interval);
            switch (grouping)
            {
                case SeriesGrouping.None: Add(start, "", day.Totals.All); break;
                case SeriesGrouping.Department: Add(start, day.DepartmentId ?? DayTotals.Unspecified, day.Totals.All); break;
                case SeriesGrouping.Unit: Add(start, day.UnitId ?? DayTotals.Unspecified, day.Totals.All); break;
                case SeriesGrouping.Category: foreach (var (g, m) in day.Totals.ByCategory) Add(start, g, m); break;
                case SeriesGrouping.Channel: foreach (var (g, m) in day.Totals.ByChannel) Add(start, g, m); break;
                case SeriesGrouping.Severity: foreach (var (g, m) in day.Totals.BySeverity) Add(start, g, m); break;
            }
        }

        var series = new KpiSeries(period.From, period.To, ReportParameters.Name(interval), grouping == SeriesGrouping.None ? null : ReportParameters.Name(grouping),
            points.Select(p => SeriesPoint.From(p.Key.Period, grouping == SeriesGrouping.None ? null : p.Key.Group, p.Value)).ToList());
        Record("series", started);
        return series;
    }

    /// <summary>Every facility with activity in the period, side by side (health-system analysts).</summary>
    public async Task<FacilityComparison> CompareAsync(ReportPeriod period, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var byFacility = new SortedDictionary<string, Measures>(StringComparer.Ordinal);
        await foreach (var day in store.DaysAsync(new ReportScope(null), period.From, period.To, ct))
        {
            if (day.Totals.Subjects == 0) continue;
            if (!byFacility.TryGetValue(day.FacilityId, out var sum)) byFacility[day.FacilityId] = sum = new Measures();
            sum.Add(day.Totals.All);
        }

        var facilities = new List<KpiReport>();
        foreach (var (facilityId, measures) in byFacility)
        {
            var scope = ReportScope.Facility(facilityId);
            facilities.Add(Build(scope, period, measures, await BacklogAsync(scope, period, ct)));
        }

        Record("comparison", started);
        return new FacilityComparison(period.From, period.To, facilities);
    }

    private async Task<IReadOnlyList<BacklogBand>> BacklogAsync(ReportScope scope, ReportPeriod period, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var at = period.End < now ? period.End : now;
        // A case is in a band when its age in whole days, floor((at - opened) / 1 day), is at least the band's lowest and below
        // the next band's: it opened after at - next band's lowest days and no later than at - the band's own (before at
        // for the youngest band). Each band is one count over the open cases' index.
        var bands = new List<BacklogBand>(AgeBands.Count);
        scope = await store.WithFacilitiesAsync(scope, ct); // once for the four counts, not once per count
        for (var i = 0; i < AgeBands.Count; i++)
        {
            var openedBefore = i == 0 ? at : at.AddDays(-AgeBands[i].FromDays).AddTicks(1);
            DateTimeOffset? openedFrom = i + 1 < AgeBands.Count ? at.AddDays(-AgeBands[i + 1].FromDays).AddTicks(1) : null;
            bands.Add(new BacklogBand(AgeBands[i].Name, await store.CountOpenCasesAtAsync(scope, at, openedFrom, openedBefore, ct)));
        }

        return bands;
    }

    private KpiReport Build(ReportScope scope, ReportPeriod period, Measures m, IReadOnlyList<BacklogBand> backlog)
    {
        var npsAnswers = m.Promoters + m.Passives + m.Detractors;
        return new KpiReport(
            period.From,
            period.To,
            new KpiScope(scope.FacilityIds ?? [ServiceDefaults.Security.PlatformClaims.AllFacilities], scope.DepartmentId, scope.UnitId),
            new FeedbackCounts(m.FeedbackTotal, m.FeedbackComplaints, m.FeedbackGrievances, m.FeedbackCompliments, m.FeedbackSuggestions, m.FeedbackQuestions),
            m.CasesOpened,
            m.Acknowledged,
            m.Resolved,
            new DischargeRates(Per1000(m.ComplaintCases, m.Discharges), Per1000(m.GrievanceCases, m.Discharges), m.Discharges),
            new DurationPercentiles(m.AcknowledgeSeconds?.Percentile(0.5), m.AcknowledgeSeconds?.Percentile(0.9)),
            new DurationPercentiles(m.ResolveSeconds?.Percentile(0.5), m.ResolveSeconds?.Percentile(0.9)),
            new SlaCompliance(Ratio(m.AcknowledgedOnTime, m.AcknowledgedLate), Ratio(m.InterimNoticeOnTime, m.InterimNoticeLate), Ratio(m.ResponseOnTime, m.ResponseLate)),
            new EscalationCounts(m.EscalatedToDepartment, m.EscalatedToExecutive),
            backlog,
            new SurveyKpis(
                m.InvitationsIssued == 0 ? null : Math.Round((double)m.InvitationsAnswered / m.InvitationsIssued, 4),
                NpsStatistics.Score(m.Promoters, m.Passives, m.Detractors),
                NpsStatistics.Interval95(m.Promoters, m.Passives, m.Detractors),
                npsAnswers,
                npsAnswers < options.Value.SmallSampleResponses),
            new ServiceRecoveryCounts(m.ServiceRecoveryOpened, m.ServiceRecoveryResolved));
    }

    internal static double? Per1000(long count, long discharges) => discharges == 0 ? null : Math.Round(1000.0 * count / discharges, 2);

    internal static double? Ratio(long met, long missed) => met + missed == 0 ? null : Math.Round((double)met / (met + missed), 4);

    internal static DateOnly PeriodStart(DateOnly day, SeriesInterval interval) => interval switch
    {
        SeriesInterval.Day => day,
        SeriesInterval.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), // ISO weeks start on Monday
        SeriesInterval.Month => new DateOnly(day.Year, day.Month, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(interval)),
    };

    private static void Record(string query, long started) =>
        ReportingTelemetry.QueryDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("query", query));
}

/// <summary>A KPI series: one point per period (day, ISO week from Monday, or month) and group.</summary>
public sealed record KpiSeries(
    DateOnly From,
    DateOnly To,
    string Interval,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? GroupBy,
    IReadOnlyList<SeriesPoint> Points);

/// <summary>One period (and group) of a series: volumes, timeliness, escalations, rates and NPS; absent values as in <see cref="KpiReport"/>.</summary>
public sealed record SeriesPoint(
    DateOnly Period,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Group,
    long Feedback,
    long CasesOpened,
    long Complaints,
    long Grievances,
    long Acknowledged,
    long Resolved,
    DurationPercentiles TimeToAcknowledgeSeconds,
    DurationPercentiles TimeToResolveSeconds,
    SlaCompliance SlaCompliance,
    EscalationCounts Escalations,
    long Discharges,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? ComplaintsPer1000Discharges,
    long Responses,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? Nps)
{
    internal static SeriesPoint From(DateOnly period, string? group, Measures m) => new(
        period, group, m.FeedbackTotal, m.CasesOpened, m.ComplaintCases, m.GrievanceCases, m.Acknowledged, m.Resolved,
        new DurationPercentiles(m.AcknowledgeSeconds?.Percentile(0.5), m.AcknowledgeSeconds?.Percentile(0.9)),
        new DurationPercentiles(m.ResolveSeconds?.Percentile(0.5), m.ResolveSeconds?.Percentile(0.9)),
        new SlaCompliance(KpiQuery.Ratio(m.AcknowledgedOnTime, m.AcknowledgedLate), KpiQuery.Ratio(m.InterimNoticeOnTime, m.InterimNoticeLate), KpiQuery.Ratio(m.ResponseOnTime, m.ResponseLate)),
        new EscalationCounts(m.EscalatedToDepartment, m.EscalatedToExecutive),
        m.Discharges,
        KpiQuery.Per1000(m.ComplaintCases + m.GrievanceCases, m.Discharges),
        m.Responses,
        NpsStatistics.Score(m.Promoters, m.Passives, m.Detractors));
}

/// <summary>Each facility's KPIs over the same period.</summary>
public sealed record FacilityComparison(DateOnly From, DateOnly To, IReadOnlyList<KpiReport> Facilities);
