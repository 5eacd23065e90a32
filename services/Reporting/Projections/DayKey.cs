using System.Globalization;

namespace PatientExperience.Reporting.Projections;

/// <summary>One unit's day (UTC): the grain of the pre-aggregated read model. A subject without a department or unit counts under none.</summary>
public sealed record DayKey(string FacilityId, string? DepartmentId, string? UnitId, DateOnly Day)
{
    public static DayKey Of(string facilityId, string? departmentId, string? unitId, DateTimeOffset at) =>
        new(facilityId, departmentId, unitId, DateOnly.FromDateTime(at.UtcDateTime));

    public string Id => $"{FacilityId}|{DepartmentId ?? "-"}|{UnitId ?? "-"}|{DayString(Day)}";

    public static string DayString(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>What a subject contributes to one unit's day, with the attributes that series group by.</summary>
public sealed record Contribution(DayKey Day, Measures Measures, SubjectAttributes Attributes);

/// <summary>A subject's category, channel and severity (wire strings), where it has them: what a series can group by besides place.</summary>
public sealed record SubjectAttributes(string? Category, string? Channel, string? Severity)
{
    public static readonly SubjectAttributes None = new(null, null, null);
}
