namespace PatientExperience.Case.Organisation;

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

    /// <summary>The ids of the units of every department but <paramref name="departmentId"/>: a unit id is used once in a facility.</summary>
    public HashSet<string> UnitIdsOutside(string? departmentId) =>
        Departments.Where(d => d.Id != departmentId).SelectMany(d => d.Units).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>The facility with <paramref name="department"/> added, or replacing the department of the same id in its place.</summary>
    public Facility WithDepartment(Department department) => this with
    {
        Departments = FindDepartment(department.Id) is null
            ? [.. Departments, department]
            : Departments.Select(d => d.Id == department.Id ? department : d).ToList(),
    };

    /// <summary>The facility without the department (check <see cref="UnitRemovalRule"/> first).</summary>
    public Facility WithoutDepartment(string departmentId) => this with { Departments = Departments.Where(d => d.Id != departmentId).ToList() };

    /// <summary>
    /// What a person covers at this facility: the whole facility, one of its departments, or one of its units, which implies
    /// the unit's department (a department given with a unit must be that unit's). Refused, naming the field, when the facility
    /// has no such department or unit.
    /// </summary>
    public CoverageCheck Cover(string? departmentId, string? unitId)
    {
        if (!string.IsNullOrEmpty(departmentId) && FindDepartment(departmentId) is null)
            return CoverageCheck.Refused("departmentId", "No such department at the facility.");
        var department = string.IsNullOrEmpty(departmentId) ? null : departmentId;
        if (string.IsNullOrEmpty(unitId)) return CoverageCheck.Covered(new Coverage { FacilityId = Id, DepartmentId = department });
        var unitDepartment = DepartmentOfUnit(unitId);
        if (unitDepartment is null || (department is not null && unitDepartment.Id != department))
            return CoverageCheck.Refused("unitId", "No such unit at the facility (or in that department).");
        return CoverageCheck.Covered(new Coverage { FacilityId = Id, DepartmentId = unitDepartment.Id, UnitId = unitId });
    }
}

/// <summary>The outcome of <see cref="Facility.Cover"/>: the coverage, or the field refused and why.</summary>
public sealed record CoverageCheck(Coverage? Coverage, string? Field, string? Problem)
{
    public static CoverageCheck Covered(Coverage coverage) => new(coverage, null, null);

    public static CoverageCheck Refused(string field, string problem) => new(null, field, problem);
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
