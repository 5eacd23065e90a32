using System.Globalization;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Organisation;

/// <summary>
/// Builds a facility's triage rota under its rules: every person it names is in the directory, covers the facility and holds
/// the patient-relations or compliance role (the roles that may confirm a critical concern); a shift names at least one day,
/// a start and an end as local times HH:mm (an end at or before the start is the next day) and at least one person; a cover
/// runs from before to, at most <see cref="MaxCoverDays"/> days, with at least one person. Each broken rule is a field error in
/// <paramref name="errors"/>; <see cref="Build"/> answers null while there is any.
/// </summary>
internal sealed class TriageRotaBuilder(Facility facility, IEnumerable<Person> people, DirectoryValidation errors)
{
    public const int MaxShifts = 50;
    public const int MaxCovers = 100;
    public const int MaxCoverDays = 92;

    private readonly Dictionary<string, Person> _covering = people.Where(p => p.CoversFacility(facility.Id)).ToDictionary(p => p.Id, StringComparer.Ordinal);
    private readonly List<TriageShift> _shifts = [];
    private readonly List<TriageCover> _covers = [];

    public void SetShifts(IReadOnlyList<TriageShiftRequest>? shifts)
    {
        if (shifts is null) errors.Add("shifts", "Required: the weekly shifts, [] for none.");
        else if (shifts.Count > MaxShifts) errors.Add("shifts", $"At most {MaxShifts} shifts.");
        else for (var i = 0; i < shifts.Count; i++) AddShift($"shifts[{i}]", shifts[i]);
    }

    public void SetCovers(IReadOnlyList<TriageCoverRequest>? covers)
    {
        if (covers is null) return;
        if (covers.Count > MaxCovers) errors.Add("covers", $"At most {MaxCovers} covers.");
        else for (var i = 0; i < covers.Count; i++) AddCover($"covers[{i}]", covers[i]);
    }

    private void AddShift(string field, TriageShiftRequest? shift)
    {
        if (shift is null)
        {
            errors.Add(field, "Required: a shift.");
            return;
        }

        var name = errors.Name(field + ".name", shift.Name, required: false);
        var days = Days(field + ".days", shift.Days);
        var start = LocalTime(field + ".start", shift.Start);
        var end = LocalTime(field + ".end", shift.End);
        var onDuty = People(field + ".people", shift.People);
        if (days.Count > 0 && start is { } s && end is { } e && onDuty.Count > 0)
            _shifts.Add(new TriageShift { Name = name, Days = days, Start = s, End = e, People = onDuty });
    }

    private void AddCover(string field, TriageCoverRequest? cover)
    {
        if (cover is null)
        {
            errors.Add(field, "Required: a cover.");
            return;
        }

        if (cover.From is null) errors.Add(field + ".from", "Required: when the cover starts (ISO 8601 with an offset).");
        if (cover.To is null) errors.Add(field + ".to", "Required: when the cover ends (ISO 8601 with an offset).");
        else if (cover.From is { } f && cover.To <= f) errors.Add(field + ".to", "Must be after from.");
        else if (cover.From is { } f2 && cover.To - f2 > TimeSpan.FromDays(MaxCoverDays)) errors.Add(field + ".to", $"A cover lasts at most {MaxCoverDays} days; change the weekly shifts for longer.");
        var onDuty = People(field + ".people", cover.People);
        if (cover.From is { } from && cover.To is { } to && to > from && to - from <= TimeSpan.FromDays(MaxCoverDays) && onDuty.Count > 0)
            _covers.Add(new TriageCover { From = from, To = to, People = onDuty });
    }

    private List<Weekday> Days(string field, IReadOnlyList<string>? values)
    {
        var days = new List<Weekday>();
        if (values is null || values.Count == 0)
        {
            errors.Add(field, $"At least one of {string.Join(", ", Wire.All<Weekday>())}: the days the shift starts on.");
            return days;
        }

        if (values.Count > 7)
        {
            errors.Add(field, "At most the seven days of the week.");
            return days;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (!Wire.TryParse<Weekday>(values[i], out var day)) errors.Add($"{field}[{i}]", $"Must be one of {string.Join(", ", Wire.All<Weekday>())}.");
            else if (!days.Contains(day)) days.Add(day);
        }

        return days;
    }

    private TimeOnly? LocalTime(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) errors.Add(field, "Required: a local time HH:mm (24-hour) on the facility's clock, e.g. 07:00.");
        else if (TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return time;
        else errors.Add(field, "Must be a local time HH:mm (24-hour), e.g. 07:00 or 19:30.");
        return null;
    }

    private List<string> People(string field, IReadOnlyList<string>? values)
    {
        var ids = new List<string>();
        if (values is null || values.Count == 0)
        {
            errors.Add(field, "At least one person on duty.");
            return ids;
        }

        if (values.Count > DirectoryValidation.MaxListLength)
        {
            errors.Add(field, $"At most {DirectoryValidation.MaxListLength} people.");
            return ids;
        }

        for (var i = 0; i < values.Count; i++)
        {
            var id = values[i];
            if (string.IsNullOrEmpty(id) || !_covering.TryGetValue(id, out var person)) errors.Add($"{field}[{i}]", "Must be the id of a person in the directory who covers this facility.");
            else if (EscalationDirectory.TriageRoleOf(person) is null) errors.Add($"{field}[{i}]", "Must hold the patient-relations or compliance role: the triage confirms or stands down critical concerns.");
            else if (!ids.Contains(id, StringComparer.Ordinal)) ids.Add(id);
        }

        return ids;
    }

    public TriageRota? Build() => errors.IsValid ? new TriageRota { FacilityId = facility.Id, Shifts = _shifts, Covers = _covers } : null;
}
