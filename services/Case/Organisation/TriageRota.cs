using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Organisation;

/// <summary>
/// Who is on duty to triage a critical concern from an anonymous channel at a facility: weekly shifts on the facility's
/// wall clock (its IANA time zone, so a shift starts at the same local time across a daylight-saving change) and dated
/// covers that stand in for the shifts over a period (a holiday, a sickness). The rota is the whole facility's: whoever is on
/// duty triages every department and unit. One document per facility. Who it reaches, and the fallback when it names no one
/// at that instant, is <see cref="EscalationDirectory"/>'s rule (<see cref="IEscalationDirectory.TriageAsync"/>).
/// </summary>
public sealed record TriageRota
{
    public required string FacilityId { get; init; }
    /// <summary>The weekly pattern, in the order administrators listed it.</summary>
    public IReadOnlyList<TriageShift> Shifts { get; init; } = [];
    /// <summary>Dated covers; while one is in force the weekly shifts do not apply.</summary>
    public IReadOnlyList<TriageCover> Covers { get; init; } = [];

    public static TriageRota Empty(string facilityId) => new() { FacilityId = facilityId };

    /// <summary>
    /// The ids of the people the rota has on duty at <paramref name="at"/>: those of every cover in force then, else those of every
    /// weekly shift that includes the local time in <paramref name="zone"/>; in rota order, each once. Leave is not the rota's
    /// business (the resolver skips people on leave).
    /// </summary>
    public IReadOnlyList<string> OnDutyAt(DateTimeOffset at, TimeZoneInfo zone)
    {
        var covers = Covers.Where(c => c.Includes(at)).ToList();
        if (covers.Count > 0) return covers.SelectMany(c => c.People).Distinct(StringComparer.Ordinal).ToList();
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        return Shifts.Where(s => s.Includes(local)).SelectMany(s => s.People).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Everyone the rota names.</summary>
    public IEnumerable<string> PersonIds() =>
        Shifts.SelectMany(s => s.People).Concat(Covers.SelectMany(c => c.People)).Distinct(StringComparer.Ordinal);
}

/// <summary>
/// A weekly shift: it starts at <see cref="Start"/> (local time) on each of <see cref="Days"/> and ends at <see cref="End"/>, the
/// same day when End is later, otherwise the next day (a night shift, 19:00-07:00; End equal to Start is a 24-hour shift).
/// From start (inclusive) to end (exclusive), on the wall clock: a night shift across a daylight-saving change is an hour
/// shorter or longer, and always ends when the day shift starts.
/// </summary>
public sealed record TriageShift
{
    /// <summary>What staff call it, e.g. "Day" or "Night"; optional.</summary>
    public string? Name { get; init; }
    /// <summary>The days the shift starts on (a night shift that starts on Friday ends on Saturday morning).</summary>
    public required IReadOnlyList<Weekday> Days { get; init; }
    public required TimeOnly Start { get; init; }
    public required TimeOnly End { get; init; }
    /// <summary>Person ids, each of whom must cover the facility and hold the patient-relations or compliance role.</summary>
    public required IReadOnlyList<string> People { get; init; }

    /// <summary>Ends the day after it starts.</summary>
    public bool CrossesMidnight => End <= Start;

    /// <summary>Whether the shift is on at a local date and time of the facility.</summary>
    public bool Includes(DateTime local)
    {
        var day = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);
        if (!CrossesMidnight) return StartsOn(day) && Start <= time && time < End;
        return (StartsOn(day) && time >= Start) || (StartsOn(day.AddDays(-1)) && time < End);
    }

    private bool StartsOn(DateOnly day) => Days.Contains((Weekday)day.DayOfWeek);
}

/// <summary>A dated cover, from (inclusive) to (exclusive): its people are on duty instead of the weekly shifts' over that period.</summary>
public sealed record TriageCover
{
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public required IReadOnlyList<string> People { get; init; }

    public bool Includes(DateTimeOffset at) => From <= at && at < To;
}
