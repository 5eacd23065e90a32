using System.Diagnostics;
using System.Globalization;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Reporting.Kpis;
using PatientExperience.Reporting.Projections;

namespace PatientExperience.Reporting.Signals;

/// <summary>
/// Signals from the pre-aggregated unit-days: a u-chart of complaints (complaint and grievance cases opened) per 1,000
/// discharges for each unit, per ISO week or month of the period, with the centre line over the whole period as the baseline;
/// and the complaint categories rising most against the previous period of equal length. Computed on demand.
/// </summary>
public sealed class SignalsQuery(ReportingStore store)
{
    public const string ComplaintRateMeasure = "complaints-per-1000-discharges";

    /// <summary>How many rising categories a facility lists at most.</summary>
    public const int TopCategories = 10;

    public async Task<SignalList> SignalsAsync(ReportScope scope, ReportPeriod period, SeriesInterval interval, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var signals = new List<Signal>();
        foreach (var ((facility, department, unit), chart) in await UnitChartsAsync(scope, period, interval, ct))
        {
            signals.AddRange(chart.Signals.Select(s => new Signal(facility, department, unit, ComplaintRateMeasure, s.Rule, s.Period,
                Math.Round(s.Value, 2), Math.Round(s.Centre, 2), Math.Round(s.UpperLimit, 2))));
        }

        Record("signals", started);
        return new SignalList(period.From, period.To, ReportParameters.Name(interval), signals);
    }

    /// <summary>The u-chart of complaints per 1,000 discharges of each unit in the scope (one per facility, department and unit).</summary>
    public async Task<IReadOnlyList<(UnitKey Unit, UChart Chart)>> UnitChartsAsync(ReportScope scope, ReportPeriod period, SeriesInterval interval, CancellationToken ct)
    {
        var units = new SortedDictionary<UnitKey, SortedDictionary<DateOnly, (long Count, long Exposure)>>();
        await foreach (var day in store.DaysAsync(scope, period.From, period.To, ct))
        {
            if (day.UnitId is null || day.Totals.Subjects == 0) continue;
            var key = new UnitKey(day.FacilityId, day.DepartmentId, day.UnitId);
            if (!units.TryGetValue(key, out var periods)) units[key] = periods = [];
            var start = KpiQuery.PeriodStart(DateOnly.ParseExact(day.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), interval);
            var m = day.Totals.All;
            periods.TryGetValue(start, out var sum);
            periods[start] = (sum.Count + m.ComplaintCases + m.GrievanceCases, sum.Exposure + m.Discharges);
        }

        return units.Select(u => (u.Key, new UChart(u.Value.Select(p => new UChartSample(p.Key, p.Value.Count, p.Value.Exposure))))).ToList();
    }

    public async Task<RisingCategories> RisingCategoriesAsync(ReportScope scope, ReportPeriod period, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var previous = new ReportPeriod(period.From.AddDays(-period.Days), period.From.AddDays(-1));
        var counts = new Dictionary<(string Facility, string Category), (long Current, long Previous)>();
        await foreach (var day in store.DaysAsync(scope, previous.From, period.To, ct))
        {
            var inCurrent = string.CompareOrdinal(day.Day, DayKey.DayString(period.From)) >= 0;
            foreach (var (category, m) in day.Totals.ByCategory)
            {
                var complaints = m.ComplaintCases + m.GrievanceCases;
                if (complaints == 0) continue;
                counts.TryGetValue((day.FacilityId, category), out var sum);
                counts[(day.FacilityId, category)] = inCurrent ? (sum.Current + complaints, sum.Previous) : (sum.Current, sum.Previous + complaints);
            }
        }

        var rising = counts.Where(c => c.Value.Current > c.Value.Previous)
            .GroupBy(c => c.Key.Facility, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.OrderByDescending(c => c.Value.Current - c.Value.Previous).ThenBy(c => c.Key.Category, StringComparer.Ordinal).Take(TopCategories))
            .Select(c => new RisingCategory(c.Key.Facility, c.Key.Category, c.Value.Current, c.Value.Previous, c.Value.Current - c.Value.Previous))
            .ToList();
        Record("rising-categories", started);
        return new RisingCategories(period.From, period.To, previous.From, previous.To, rising);
    }

    private static void Record(string query, long started) =>
        ReportingTelemetry.QueryDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("query", query));
}

/// <summary>A unit of a facility (and its department, when known).</summary>
public readonly record struct UnitKey(string FacilityId, string? DepartmentId, string UnitId) : IComparable<UnitKey>
{
    public int CompareTo(UnitKey other)
    {
        var c = string.CompareOrdinal(FacilityId, other.FacilityId);
        if (c == 0) c = string.CompareOrdinal(DepartmentId, other.DepartmentId);
        return c != 0 ? c : string.CompareOrdinal(UnitId, other.UnitId);
    }
}

/// <summary>The signals of a period: each a rule that fired at one period (ISO week from Monday, or month) of one unit's u-chart.</summary>
public sealed record SignalList(DateOnly From, DateOnly To, string Interval, IReadOnlyList<Signal> Signals);

/// <summary>A rule that fired: the rate (<see cref="Value"/>), centre line and upper limit are per 1,000 discharges.</summary>
public sealed record Signal(string FacilityId, string? DepartmentId, string UnitId, string Measure, SignalRule Rule, DateOnly Period,
    double Value, double Centre, double UpperLimit);

/// <summary>The complaint categories (complaint and grievance cases opened) with more cases than in the previous period of equal length.</summary>
public sealed record RisingCategories(DateOnly From, DateOnly To, DateOnly PreviousFrom, DateOnly PreviousTo, IReadOnlyList<RisingCategory> Categories);

public sealed record RisingCategory(string FacilityId, string Category, long Current, long Previous, long Change);
