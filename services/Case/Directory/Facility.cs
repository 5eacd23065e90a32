namespace PatientExperience.Case.Directory;

/// <summary>A hospital or site of the health system, with its time zone (deadlines are evaluated in it) and its departments.</summary>
public sealed record Facility
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string HealthSystem { get; init; }
    /// <summary>IANA time zone, e.g. America/New_York.</summary>
    public required string TimeZone { get; init; }
    public IReadOnlyList<Department> Departments { get; init; } = [];
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
