using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Case.Directory;

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
        return (new Person { Id = id, Name = name, Title = title, Email = email, Phone = phone, Pager = pager, TimeZone = timeZone, Roles = roles, Covers = covers }, false);
    }
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

/// <summary>Field-by-field checks of directory changes. Messages never quote the input.</summary>
internal sealed partial class DirectoryValidation
{
    public const int MaxNameLength = 200;
    public const int MaxListLength = 50;
    public const int MaxHolidays = 1000;

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public bool IsValid => Errors.Count == 0;

    public void Add(string field, string message)
    {
        Errors[field] = Errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
    }

    public string? Id(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) Add(field, "Required.");
        else if (!IdPattern().IsMatch(value)) Add(field, "Must be 1-64 lower-case letters, digits and hyphens, starting and ending with a letter or digit.");
        else return value;
        return null;
    }

    public string? Name(string field, string? value, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, "Required.");
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > MaxNameLength) Add(field, $"At most {MaxNameLength} characters.");
        else if (trimmed.Any(char.IsControl)) Add(field, "Must not contain control characters.");
        else return trimmed;
        return null;
    }

    public string? TimeZone(string field, string? value, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, "Required: an IANA time zone such as America/New_York.");
            return null;
        }

        if (value.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(value, out var zone) && zone.HasIanaId) return value;
        Add(field, "Must be an IANA time zone such as America/New_York or Europe/London.");
        return null;
    }

    public string? Profile(string field, string? value, RegulatoryProfiles profiles)
    {
        if (string.IsNullOrEmpty(value)) Add(field, $"Required: one of {string.Join(", ", profiles.All.Select(p => p.Id))}.");
        else if (!profiles.IsKnown(value)) Add(field, $"Must be one of {string.Join(", ", profiles.All.Select(p => p.Id))}.");
        else return value;
        return null;
    }

    public IReadOnlyList<DateOnly> Holidays(string field, IReadOnlyList<string>? values, bool required)
    {
        if (values is null)
        {
            if (required) Add(field, "Required: a list of dates (yyyy-MM-dd), [] for none.");
            return [];
        }

        if (values.Count > MaxHolidays)
        {
            Add(field, $"At most {MaxHolidays} dates.");
            return [];
        }

        var dates = new SortedSet<DateOnly>();
        for (var i = 0; i < values.Count; i++)
        {
            if (DateOnly.TryParseExact(values[i], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) dates.Add(d);
            else Add($"{field}[{i}]", "Must be a date yyyy-MM-dd.");
        }

        return [.. dates];
    }

    public string? Email(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (value.Length <= 254 && MailAddress.TryCreate(value, out var address) && address.Address == value && address.DisplayName.Length == 0) return value;
        Add(field, "Must be an e-mail address.");
        return null;
    }

    public string? Phone(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (PhonePattern().IsMatch(value)) return value;
        Add(field, "Must be a phone number: digits, spaces, hyphens, dots or brackets, optionally starting with +.");
        return null;
    }

    public IReadOnlyList<string> Roles(string field, IReadOnlyList<string>? values)
    {
        if (values is null || values.Count == 0)
        {
            Add(field, $"At least one of {string.Join(", ", PlatformClaims.Roles)}.");
            return [];
        }

        var roles = new List<string>();
        foreach (var r in values)
        {
            if (!PlatformClaims.Roles.Contains(r)) Add(field, $"Each must be one of {string.Join(", ", PlatformClaims.Roles)}.");
            else if (!roles.Contains(r)) roles.Add(r);
        }

        return roles;
    }

    /// <summary>A list of person ids: known, at most <see cref="MaxListLength"/>, duplicates dropped.</summary>
    public IReadOnlyList<string> PersonIds(string field, IReadOnlyList<string>? values, Func<string, bool> isKnown)
    {
        if (values is null) return [];
        if (values.Count > MaxListLength)
        {
            Add(field, $"At most {MaxListLength} people.");
            return [];
        }

        var ids = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            var id = values[i];
            if (string.IsNullOrEmpty(id) || !IdPattern().IsMatch(id) || !isKnown(id)) Add($"{field}[{i}]", "Must be the id of a person in the directory who covers this facility.");
            else if (!ids.Contains(id, StringComparer.Ordinal)) ids.Add(id);
        }

        return ids;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\+?[0-9][0-9 ().\-]{2,30}$")]
    private static partial Regex PhonePattern();
}
