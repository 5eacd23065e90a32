using System.Globalization;

namespace PatientExperience.Web.Console;

/// <summary>
/// The dashboard's filters (facility, period, trend interval) as they travel in its query string, its chart images and its CSV
/// links. Dates are whole UTC days (<c>yyyy-MM-dd</c>); no dates means the reporting service's default (the last 30 days).
/// </summary>
public sealed record DashboardQuery(string? Facility, string? From, string? To, string? Interval)
{
    public static readonly IReadOnlyList<string> Intervals = ["day", "week", "month"];

    /// <summary>The charts the reporting service draws for a facility or for all of the caller's (u-chart needs a unit: not here).</summary>
    public static readonly IReadOnlyList<(string Name, string Title)> Charts =
    [
        ("volumes-by-category", "Cases opened by category"),
        ("time-to-acknowledge", "Time to acknowledge (median and 90th percentile, hours)"),
        ("sla-compliance", "Deadlines met (acknowledgement, interim notice, response)"),
        ("escalations-by-level", "Escalations by level"),
        ("nps-trend", "Net promoter score over time"),
    ];

    public static bool IsChart(string name) => Charts.Any(c => c.Name == name);

    /// <summary>What is wrong with the filters, in words (null when they can be sent).</summary>
    public string? Problem()
    {
        if (From is not null && !IsDay(From)) return "The start date is not a date (yyyy-mm-dd).";
        if (To is not null && !IsDay(To)) return "The end date is not a date (yyyy-mm-dd).";
        if (From is not null && To is not null && string.CompareOrdinal(From, To) > 0) return "The start date is after the end date.";
        if (Interval is not null && !Intervals.Contains(Interval)) return "The interval is day, week or month.";
        return null;
    }

    public DashboardQuery Normalised() => new(Blank(Facility), Blank(From), Blank(To), Blank(Interval));

    /// <summary>A console path with these filters in its query string.</summary>
    public string Link(string path) => ConsoleFormat.Link(path, [new("facility", Facility), new("from", From), new("to", To), new("interval", Interval)]);

    private static bool IsDay(string value) => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
