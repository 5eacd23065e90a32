using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Organisation;

/// <summary>
/// A member of staff in the organisation directory: how to reach them, the platform roles they hold and the places they
/// cover. Staff contact details, not PHI.
/// </summary>
public sealed record Person
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>Job title, e.g. "Nurse Manager, 4 West" or "Chief Nursing Officer".</summary>
    public string? Title { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Pager { get; init; }
    /// <summary>IANA time zone of the person (for quiet hours).</summary>
    public string? TimeZone { get; init; }
    /// <summary>Platform roles (<see cref="ServiceDefaults.Security.PlatformClaims.Roles"/>).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
    /// <summary>What they cover: a whole facility, a department of it, or a unit.</summary>
    public IReadOnlyList<Coverage> Covers { get; init; } = [];
    /// <summary>Languages the person can support a patient in (BCP-47, normalised: <c>es</c>, <c>zh-Hant</c>, <c>pt-BR</c>).</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];
    /// <summary>Advocates: the most open cases they carry at once; null is no limit.</summary>
    public int? Capacity { get; init; }
    /// <summary>When the person is away (no new cases; their open cases are offered for reassignment).</summary>
    public LeavePeriod? OnLeave { get; init; }

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);

    public bool HasRole(StaffRole role) => HasRole(role.ToClaim());

    public bool CoversFacility(string facilityId) => Covers.Any(c => c.FacilityId == facilityId);

    /// <summary>A caller sees a person who covers at least one facility the caller can access; others are "not found".</summary>
    public bool IsVisibleTo(Func<string, bool> canAccessFacility) => Covers.Any(c => canAccessFacility(c.FacilityId));

    /// <summary>
    /// Changing a person changes what every facility they cover sees, so only a caller who can access all of them may.
    /// </summary>
    public bool MayBeChangedBy(Func<string, bool> canAccessFacility) => Covers.All(c => canAccessFacility(c.FacilityId));

    /// <summary>Escalations must be able to reach a person: at least one of e-mail, phone or pager is given.</summary>
    public static bool IsReachable(string? email, string? phone, string? pager) =>
        !string.IsNullOrWhiteSpace(email) || !string.IsNullOrWhiteSpace(phone) || !string.IsNullOrWhiteSpace(pager);
}

/// <summary>A period of leave, from (inclusive) to (exclusive).</summary>
public sealed record LeavePeriod(DateTimeOffset From, DateTimeOffset To)
{
    public bool Includes(DateTimeOffset at) => From <= at && at < To;
}

/// <summary>A facility (department and unit empty), a department of it (unit empty) or a unit.</summary>
public sealed record Coverage
{
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
}

/// <summary>
/// Who holds each escalation level at a facility: the facility's executive chain and compliance contact, the head of
/// each department and the manager of each unit, with optional overrides of the higher levels for a department or unit.
/// Every list holds person ids in the order they are to be told. One document per facility.
/// </summary>
public sealed record EscalationChain
{
    public required string FacilityId { get; init; }
    /// <summary>Level <c>executive</c>: administrator on duty, CNO, COO.</summary>
    public IReadOnlyList<string> Executive { get; init; } = [];
    /// <summary>Told at once about critical cases.</summary>
    public string? ComplianceContact { get; init; }
    public IReadOnlyList<DepartmentEscalation> Departments { get; init; } = [];
    public IReadOnlyList<UnitEscalation> Units { get; init; } = [];

    public static EscalationChain Empty(string facilityId) => new() { FacilityId = facilityId };

    public IEnumerable<string> PersonIds() =>
        Executive
            .Concat(ComplianceContact is null ? [] : [ComplianceContact])
            .Concat(Departments.SelectMany(d => d.Department.Concat(d.Executive ?? [])))
            .Concat(Units.SelectMany(u => u.Unit.Concat(u.Department ?? []).Concat(u.Executive ?? [])))
            .Distinct(StringComparer.Ordinal);
}

/// <summary>Level <c>department</c> (department heads) of one department, and optionally its own executive level.</summary>
public sealed record DepartmentEscalation
{
    public required string DepartmentId { get; init; }
    public IReadOnlyList<string> Department { get; init; } = [];
    public IReadOnlyList<string>? Executive { get; init; }
}

/// <summary>Level <c>unit</c> (unit or charge nurse managers) of one unit, and optionally its own department and executive levels.</summary>
public sealed record UnitEscalation
{
    public required string UnitId { get; init; }
    public IReadOnlyList<string> Unit { get; init; } = [];
    public IReadOnlyList<string>? Department { get; init; }
    public IReadOnlyList<string>? Executive { get; init; }
}
