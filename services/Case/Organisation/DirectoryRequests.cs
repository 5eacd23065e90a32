namespace PatientExperience.Case.Organisation;

/// <summary>A new facility. Its escalation chain and people are added afterwards.</summary>
public sealed record FacilityRequest
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? HealthSystem { get; init; }
    /// <summary>IANA time zone, e.g. America/New_York.</summary>
    public string? TimeZone { get; init; }
    /// <summary>cms-hospital, cms-critical-access, nhs-england (or a profile added to this deployment).</summary>
    public string? RegulatoryProfile { get; init; }
    /// <summary>Local dates, yyyy-MM-dd.</summary>
    public IReadOnlyList<string>? Holidays { get; init; }
    public IReadOnlyList<DepartmentRequest>? Departments { get; init; }

    /// <summary>The facility this describes (with <paramref name="id"/>, read first for the access check); null when a field is bad.</summary>
    internal Facility? ToFacility(DirectoryValidation v, string? id, RegulatoryProfiles profiles)
    {
        var name = v.Name("name", Name);
        var healthSystem = v.Name("healthSystem", HealthSystem);
        var timeZone = v.TimeZone("timeZone", TimeZone);
        var profile = v.Profile("regulatoryProfile", RegulatoryProfile, profiles);
        var holidays = v.Holidays("holidays", Holidays, required: false);
        var departments = new List<Department>();
        var unitIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (Departments?.Count ?? 0); i++)
        {
            var d = Departments![i].ToDepartment(v, $"departments[{i}]", Departments[i].Id, unitIds);
            if (d is null) continue;
            if (departments.Any(x => x.Id == d.Id)) v.Add($"departments[{i}].id", "Used by another department of the facility.");
            else departments.Add(d);
        }

        if (!v.IsValid) return null;
        return new Facility { Id = id!, Name = name!, HealthSystem = healthSystem!, TimeZone = timeZone!, RegulatoryProfile = profile!, Holidays = holidays, Departments = departments };
    }
}

/// <summary>A facility's settings (all required: this replaces them). Departments are changed through their own resource.</summary>
public sealed record FacilitySettingsRequest
{
    public string? Name { get; init; }
    public string? HealthSystem { get; init; }
    public string? TimeZone { get; init; }
    public string? RegulatoryProfile { get; init; }
    /// <summary>Local dates, yyyy-MM-dd; send [] for none.</summary>
    public IReadOnlyList<string>? Holidays { get; init; }

    /// <summary><paramref name="facility"/> with these settings; null when a field is bad.</summary>
    internal Facility? ApplyTo(Facility facility, DirectoryValidation v, RegulatoryProfiles profiles)
    {
        var name = v.Name("name", Name);
        var healthSystem = v.Name("healthSystem", HealthSystem);
        var timeZone = v.TimeZone("timeZone", TimeZone);
        var profile = v.Profile("regulatoryProfile", RegulatoryProfile, profiles);
        var holidays = v.Holidays("holidays", Holidays, required: true);
        if (!v.IsValid) return null;
        return facility with { Name = name!, HealthSystem = healthSystem!, TimeZone = timeZone!, RegulatoryProfile = profile!, Holidays = holidays };
    }
}

/// <summary>A department and its units (this replaces them). <see cref="Id"/> is taken from the route when it is omitted.</summary>
public sealed record DepartmentRequest
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<UnitRequest>? Units { get; init; }

    /// <summary>
    /// The department this describes. Its unit ids must be new to <paramref name="unitIds"/> (the facility's other units: a
    /// unit id is used once in a facility), which it extends. <paramref name="prefix"/> names the fields ("" for a whole body).
    /// </summary>
    internal Department? ToDepartment(DirectoryValidation v, string prefix, string? id, HashSet<string> unitIds)
    {
        var p = prefix.Length == 0 ? "" : prefix + ".";
        var departmentId = prefix.Length == 0 ? id : v.Id(p + "id", id);
        var name = v.Name(p + "name", Name);
        var units = new List<Unit>();
        if (Units is null) v.Add(p + "units", "Required: the department's units, [] for none.");
        for (var i = 0; i < (Units?.Count ?? 0); i++)
        {
            var u = Units![i];
            var unitId = v.Id($"{p}units[{i}].id", u.Id);
            var unitName = v.Name($"{p}units[{i}].name", u.Name);
            if (unitId is null || unitName is null) continue;
            if (!unitIds.Add(unitId)) v.Add($"{p}units[{i}].id", "Used by another unit of the facility.");
            else units.Add(new Unit { Id = unitId, Name = unitName });
        }

        return departmentId is null || name is null ? null : new Department { Id = departmentId, Name = name, Units = units };
    }
}

public sealed record UnitRequest
{
    public string? Id { get; init; }
    public string? Name { get; init; }
}

/// <summary>A member of staff. <see cref="Id"/> is required to create and must match the route (or be omitted) to update.</summary>
public sealed record PersonRequest
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? Title { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Pager { get; init; }
    public string? TimeZone { get; init; }
    public IReadOnlyList<string>? Roles { get; init; }
    public IReadOnlyList<CoverageRequest>? Covers { get; init; }
    /// <summary>BCP-47 language tags (<c>en</c>, <c>es</c>, <c>zh-Hant</c>), at most 20.</summary>
    public IReadOnlyList<string>? Languages { get; init; }
    /// <summary>The most open cases the person carries at once (1-500); omitted: no limit.</summary>
    public int? Capacity { get; init; }
    /// <summary>Leave from (inclusive) to (exclusive); omitted: not on leave.</summary>
    public LeaveRequest? OnLeave { get; init; }

    /// <summary>
    /// The person this describes, with <paramref name="id"/>; Forbidden when it covers a facility outside the caller's access
    /// (<paramref name="canAccessFacility"/>). Coverage follows <see cref="Facility.Cover"/>.
    /// </summary>
    internal async Task<(Person? Person, bool Forbidden)> ToPersonAsync(
        DirectoryValidation v, string? id, Func<string, bool> canAccessFacility, Func<string, CancellationToken, Task<Facility?>> findFacility, CancellationToken ct)
    {
        var name = v.Name("name", Name);
        var title = v.Name("title", Title, required: false);
        var email = v.Email("email", Email);
        var phone = v.Phone("phone", Phone);
        var pager = v.Phone("pager", Pager);
        if (!Person.IsReachable(Email, Phone, Pager)) v.Add("email", "Give at least one of email, phone or pager, so escalations can reach this person.");
        var timeZone = v.TimeZone("timeZone", TimeZone, required: false);
        var roles = v.Roles("roles", Roles);
        var languages = v.Languages("languages", Languages);
        var capacity = v.Capacity("capacity", Capacity);
        var leave = v.Leave("onLeave", OnLeave);

        var covers = new List<Coverage>();
        if (Covers is null || Covers.Count == 0) v.Add("covers", "At least one facility, department or unit.");
        else if (Covers.Count > DirectoryValidation.MaxListLength) v.Add("covers", $"At most {DirectoryValidation.MaxListLength} entries.");
        else
        {
            var facilities = new Dictionary<string, Facility?>(StringComparer.Ordinal);
            for (var i = 0; i < Covers.Count; i++)
            {
                var field = $"covers[{i}]";
                var facilityId = v.Id(field + ".facilityId", Covers[i].FacilityId);
                if (facilityId is null) continue;
                if (!canAccessFacility(facilityId)) return (null, true);
                if (!facilities.TryGetValue(facilityId, out var facility)) facilities[facilityId] = facility = await findFacility(facilityId, ct);
                if (facility is null)
                {
                    v.Add(field + ".facilityId", "No such facility.");
                    continue;
                }

                var check = facility.Cover(Covers[i].DepartmentId, Covers[i].UnitId);
                if (check.Coverage is null) v.Add($"{field}.{check.Field}", check.Problem!);
                else if (!covers.Contains(check.Coverage)) covers.Add(check.Coverage);
            }
        }

        if (id is null || name is null || !v.IsValid) return (null, false);
        return (new Person { Id = id, Name = name, Title = title, Email = email, Phone = phone, Pager = pager, TimeZone = timeZone, Roles = roles, Covers = covers,
            Languages = languages, Capacity = capacity, OnLeave = leave }, false);
    }
}

public sealed record LeaveRequest
{
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
}

public sealed record CoverageRequest
{
    public string? FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
}

/// <summary>The whole escalation chain of a facility (this replaces it). Lists hold person ids, in the order they are to be told.</summary>
public sealed record EscalationChainRequest
{
    public IReadOnlyList<string>? Executive { get; init; }
    public string? ComplianceContact { get; init; }
    public IReadOnlyList<DepartmentEscalationRequest>? Departments { get; init; }
    public IReadOnlyList<UnitEscalationRequest>? Units { get; init; }

    /// <summary>The chain this describes for <paramref name="facility"/>, under <see cref="EscalationChainBuilder"/>'s rules; null when one is broken.</summary>
    internal EscalationChain? ToChain(DirectoryValidation v, Facility facility, IEnumerable<Person> people)
    {
        var chain = new EscalationChainBuilder(facility, people, v);
        chain.SetExecutive(Executive);
        chain.SetComplianceContact(ComplianceContact);
        for (var i = 0; i < (Departments?.Count ?? 0); i++)
            chain.AddDepartment($"departments[{i}]", Departments![i].DepartmentId, Departments[i].Department, Departments[i].Executive);
        for (var i = 0; i < (Units?.Count ?? 0); i++)
            chain.AddUnit($"units[{i}]", Units![i].UnitId, Units[i].Unit, Units[i].Department, Units[i].Executive);
        return chain.Build();
    }
}

public sealed record DepartmentEscalationRequest
{
    public string? DepartmentId { get; init; }
    public IReadOnlyList<string>? Department { get; init; }
    public IReadOnlyList<string>? Executive { get; init; }
}

public sealed record UnitEscalationRequest
{
    public string? UnitId { get; init; }
    public IReadOnlyList<string>? Unit { get; init; }
    public IReadOnlyList<string>? Department { get; init; }
    public IReadOnlyList<string>? Executive { get; init; }
}

/// <summary>
/// A facility's whole triage rota (this replaces it): weekly shifts on the facility's clock, and optional dated covers that
/// stand in for them. <c>{"shifts": []}</c> clears it (triage then reaches everyone with the patient-relations role).
/// </summary>
public sealed record TriageRotaRequest
{
    public IReadOnlyList<TriageShiftRequest>? Shifts { get; init; }
    public IReadOnlyList<TriageCoverRequest>? Covers { get; init; }

    /// <summary>The rota this describes for <paramref name="facility"/>, under <see cref="TriageRotaBuilder"/>'s rules; null when one is broken.</summary>
    internal TriageRota? ToRota(DirectoryValidation v, Facility facility, IEnumerable<Person> people)
    {
        var rota = new TriageRotaBuilder(facility, people, v);
        rota.SetShifts(Shifts);
        rota.SetCovers(Covers);
        return rota.Build();
    }
}

/// <summary>A weekly shift: the days it starts on, its start and end as local times HH:mm (an end at or before the start is the next day), who is on duty.</summary>
public sealed record TriageShiftRequest
{
    /// <summary>What staff call it, e.g. Day or Night.</summary>
    public string? Name { get; init; }
    /// <summary>monday ... sunday: the days the shift starts on.</summary>
    public IReadOnlyList<string>? Days { get; init; }
    /// <summary>HH:mm, 24-hour, on the facility's clock.</summary>
    public string? Start { get; init; }
    /// <summary>HH:mm; at or before start: the next day (equal: a 24-hour shift).</summary>
    public string? End { get; init; }
    /// <summary>Person ids: covering the facility, with the patient-relations or compliance role.</summary>
    public IReadOnlyList<string>? People { get; init; }
}

/// <summary>A dated cover: from (inclusive) to (exclusive), its people on duty instead of the weekly shifts'.</summary>
public sealed record TriageCoverRequest
{
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public IReadOnlyList<string>? People { get; init; }
}
