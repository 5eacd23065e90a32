namespace PatientExperience.Reporting.Kpis;

/// <summary>Which facilities (null: every facility), and optionally which department and unit, a query covers.</summary>
public sealed record ReportScope(IReadOnlyList<string>? FacilityIds, string? DepartmentId = null, string? UnitId = null)
{
    public static ReportScope Facility(string facilityId, string? departmentId = null, string? unitId = null) => new([facilityId], departmentId, unitId);
}

/// <summary>Whole UTC days, both ends included.</summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To)
{
    /// <summary>The instant the period ends: midnight UTC after <see cref="To"/>.</summary>
    public DateTimeOffset End => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public int Days => To.DayNumber - From.DayNumber + 1;
}

public enum SeriesInterval { Day, Week, Month }

public enum SeriesGrouping { None, Department, Unit, Category, Channel, Severity }
