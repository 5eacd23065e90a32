namespace PatientExperience.Case.Organisation;

/// <summary>A facility as administrators see it, with the version its ETag carries.</summary>
public sealed record FacilityView
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string HealthSystem { get; init; }
    public required string TimeZone { get; init; }
    public required string RegulatoryProfile { get; init; }
    public required IReadOnlyList<DateOnly> Holidays { get; init; }
    public required IReadOnlyList<Department> Departments { get; init; }
    public required long Version { get; init; }

    public static FacilityView From(Storage.Stored<Facility> stored)
    {
        var f = stored.Document;
        return new FacilityView
        {
            Id = f.Id, Name = f.Name, HealthSystem = f.HealthSystem, TimeZone = f.TimeZone, RegulatoryProfile = f.RegulatoryProfile,
            Holidays = f.Holidays, Departments = f.Departments, Version = stored.Version,
        };
    }
}

/// <summary>A member of staff, with the version its ETag carries.</summary>
public sealed record PersonView
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Title { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Pager { get; init; }
    public string? TimeZone { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public required IReadOnlyList<Coverage> Covers { get; init; }
    public required IReadOnlyList<string> Languages { get; init; }
    public int? Capacity { get; init; }
    public LeavePeriod? OnLeave { get; init; }
    public required long Version { get; init; }

    public static PersonView From(Storage.Stored<Person> stored)
    {
        var p = stored.Document;
        return new PersonView
        {
            Id = p.Id, Name = p.Name, Title = p.Title, Email = p.Email, Phone = p.Phone, Pager = p.Pager, TimeZone = p.TimeZone,
            Roles = p.Roles, Covers = p.Covers, Languages = p.Languages, Capacity = p.Capacity, OnLeave = p.OnLeave, Version = stored.Version,
        };
    }
}

/// <summary>A facility's escalation chain, with the version its ETag carries (0: none set yet).</summary>
public sealed record EscalationChainView
{
    public required string FacilityId { get; init; }
    public required IReadOnlyList<string> Executive { get; init; }
    public string? ComplianceContact { get; init; }
    public required IReadOnlyList<DepartmentEscalation> Departments { get; init; }
    public required IReadOnlyList<UnitEscalation> Units { get; init; }
    public required long Version { get; init; }

    public static EscalationChainView From(EscalationChain c, long version) => new()
    {
        FacilityId = c.FacilityId, Executive = c.Executive, ComplianceContact = c.ComplianceContact, Departments = c.Departments,
        Units = c.Units, Version = version,
    };
}

/// <summary>
/// A facility's triage rota, with the facility's time zone (the clock its shifts run on) and the version its ETag carries
/// (0: none set yet, so triage reaches everyone with the patient-relations role).
/// </summary>
public sealed record TriageRotaView
{
    public required string FacilityId { get; init; }
    public required string TimeZone { get; init; }
    public required IReadOnlyList<TriageShiftView> Shifts { get; init; }
    public required IReadOnlyList<TriageCover> Covers { get; init; }
    public required long Version { get; init; }

    public static TriageRotaView From(TriageRota rota, Facility facility, long version) => new()
    {
        FacilityId = rota.FacilityId, TimeZone = facility.TimeZone, Covers = rota.Covers, Version = version,
        Shifts = [.. rota.Shifts.Select(s => new TriageShiftView
        {
            Name = s.Name, Days = s.Days, Start = s.Start.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            End = s.End.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), CrossesMidnight = s.CrossesMidnight, People = s.People,
        })],
    };
}

/// <summary>A weekly shift: the days it starts on, local start and end (HH:mm), whether it ends the next day, who is on duty.</summary>
public sealed record TriageShiftView
{
    public string? Name { get; init; }
    public required IReadOnlyList<Contracts.Vocabulary.Weekday> Days { get; init; }
    public required string Start { get; init; }
    public required string End { get; init; }
    public required bool CrossesMidnight { get; init; }
    public required IReadOnlyList<string> People { get; init; }
}
