using System.Globalization;
using System.Security.Claims;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Reporting.Kpis;

/// <summary>
/// Turns a caller and the query's raw parameters into a scope and a period, or the errors to answer with. Shared by HTTP and
/// gRPC, so both refuse the same things in the same words (which never quote the input).
/// </summary>
public static class ReportParameters
{
    /// <summary>Who may read reports: aggregates only, scoped to the facilities in the token.</summary>
    public static readonly IReadOnlyList<StaffRole> ReaderRoles = RolePermissions.RolesWith(Permission.ReadReports);

    public static bool MayRead(ClaimsPrincipal user) => ReaderRoles.Any(user.IsInRole);

    public const string NotAReaderDetail = "Reports are for analysts, patient relations, compliance, department heads, executives and administrators.";

    public const string OutOfScopeDetail = "Your access does not cover this facility.";

    public static string Name(SeriesInterval interval) => interval.ToString().ToLowerInvariant();

    public static string Name(SeriesGrouping grouping) => grouping.ToString().ToLowerInvariant();

    public static readonly IReadOnlyList<string> Intervals = Enum.GetValues<SeriesInterval>().Select(Name).ToList();

    public static readonly IReadOnlyList<string> Groupings = Enum.GetValues<SeriesGrouping>().Where(g => g != SeriesGrouping.None).Select(Name).ToList();

    /// <summary>The period from <c>from</c> and <c>to</c> (yyyy-MM-dd, both included; default: the 30 days up to today, UTC).</summary>
    public static ReportPeriod? Period(string? from, string? to, DateTimeOffset now, int maxDays, IDictionary<string, string[]> errors)
    {
        var end = DateOnly.FromDateTime(now.UtcDateTime);
        if (!string.IsNullOrEmpty(to))
        {
            if (TryDate(to, out var parsed)) end = parsed;
            else errors["to"] = ["Must be a date (yyyy-MM-dd)."];
        }

        var start = end.DayNumber >= 29 ? end.AddDays(-29) : end;
        if (!string.IsNullOrEmpty(from))
        {
            if (TryDate(from, out var parsed)) start = parsed;
            else errors["from"] = ["Must be a date (yyyy-MM-dd)."];
        }

        if (errors.Count > 0) return null;
        if (start > end) { errors["from"] = ["Must not be after 'to'."]; return null; }
        var period = new ReportPeriod(start, end);
        if (period.Days > maxDays) { errors["from"] = [$"The period may cover at most {maxDays} days."]; return null; }
        return period;
    }

    private static bool TryDate(string value, out DateOnly date) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>
    /// The scope for a facility (which the caller must cover), or, without one, every facility in the caller's token.
    /// A department or unit narrows it. Null with <paramref name="forbidden"/> set when the caller does not cover the facility.
    /// </summary>
    public static ReportScope? Scope(ClaimsPrincipal user, string? facilityId, string? departmentId, string? unitId, IDictionary<string, string[]> errors, out bool forbidden)
    {
        forbidden = false;
        if (facilityId is { Length: 0 }) errors["facilityId"] = ["Must not be empty."];
        if (departmentId is { Length: 0 }) errors["departmentId"] = ["Must not be empty."];
        if (unitId is { Length: 0 }) errors["unitId"] = ["Must not be empty."];
        if (errors.Count > 0) return null;
        if (facilityId is not null)
        {
            if (!user.CanAccessFacility(facilityId)) { forbidden = true; return null; }
            return ReportScope.Facility(facilityId, departmentId, unitId);
        }

        return new ReportScope(user.HasAllFacilities() ? null : user.Facilities(), departmentId, unitId);
    }

    public static SeriesInterval? Interval(string? value, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) return SeriesInterval.Day;
        foreach (var i in Enum.GetValues<SeriesInterval>()) if (Name(i) == value) return i;
        errors["interval"] = ["Must be one of: " + string.Join(", ", Intervals) + "."];
        return null;
    }

    public static SeriesGrouping? Grouping(string? value, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) return SeriesGrouping.None;
        foreach (var g in Enum.GetValues<SeriesGrouping>()) if (g != SeriesGrouping.None && Name(g) == value) return g;
        errors["groupBy"] = ["Must be one of: " + string.Join(", ", Groupings) + "."];
        return null;
    }
}
