using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Case.Organisation;

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

    public const int MaxLanguages = 20;
    public const int MaxCapacity = 500;

    /// <summary>BCP-47 language tags, each normalised (<see cref="LanguageTag.Normalise"/>), duplicates dropped.</summary>
    public IReadOnlyList<string> Languages(string field, IReadOnlyList<string>? values)
    {
        if (values is null) return [];
        if (values.Count > MaxLanguages)
        {
            Add(field, $"At most {MaxLanguages} languages.");
            return [];
        }

        var tags = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            if (LanguageTag.Normalise(values[i]) is not { } tag) Add($"{field}[{i}]", "Must be a BCP-47 language tag such as en, es, zh-Hant or pt-BR.");
            else if (!tags.Contains(tag, StringComparer.Ordinal)) tags.Add(tag);
        }

        return tags;
    }

    public int? Capacity(string field, int? value)
    {
        if (value is null) return null;
        if (value is >= 1 and <= MaxCapacity) return value;
        Add(field, $"Must be 1 to {MaxCapacity} open cases (omit it for no limit).");
        return null;
    }

    public LeavePeriod? Leave(string field, LeaveRequest? value)
    {
        if (value is null) return null;
        if (value.From is not { } from) Add(field + ".from", "Required: when the leave starts (ISO 8601).");
        if (value.To is not { } to) Add(field + ".to", "Required: when the leave ends (ISO 8601).");
        else if (value.From is { } f && to <= f) Add(field + ".to", "Must be after from.");
        return value.From is { } start && value.To is { } end && end > start ? new LeavePeriod(start, end) : null;
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
