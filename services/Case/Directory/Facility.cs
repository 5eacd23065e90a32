namespace PatientExperience.Case.Directory;

/// <summary>
/// A hospital or site of the health system: its time zone and holidays (deadlines are evaluated in them), the regulatory
/// profile it works under, and its departments. Public information: the patient feedback form lists facilities.
/// </summary>
public sealed record Facility
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string HealthSystem { get; init; }
    /// <summary>IANA time zone, e.g. America/New_York.</summary>
    public required string TimeZone { get; init; }
    /// <summary><c>cms-hospital</c>, <c>cms-critical-access</c>, <c>nhs-england</c> or a profile added at start-up.</summary>
    public string RegulatoryProfile { get; init; } = RegulatoryProfiles.Default;
    /// <summary>Local dates on which business-day clocks do not run (besides Saturdays and Sundays).</summary>
    public IReadOnlyList<DateOnly> Holidays { get; init; } = [];
    public IReadOnlyList<Department> Departments { get; init; } = [];

    /// <summary>The department a unit belongs to, or null when the facility has no such unit.</summary>
    public Department? DepartmentOfUnit(string unitId) => Departments.FirstOrDefault(d => d.Units.Any(u => u.Id == unitId));

    public Department? FindDepartment(string departmentId) => Departments.FirstOrDefault(d => d.Id == departmentId);
}

public sealed record Department
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public IReadOnlyList<Unit> Units { get; init; } = [];
}

/// <summary>A ward or unit: where the bedside escalation level (the unit or charge nurse manager) sits.</summary>
public sealed record Unit
{
    public required string Id { get; init; }
    public required string Name { get; init; }
}
