namespace PatientExperience.Case.Sla;

/// <summary>
/// A facility's calendar: its IANA time zone and its holidays. Computes deadlines without any I/O, so it is unit-tested directly.
/// <para>A duration is a length of time (<see cref="SlaDuration.Length"/>): its whole days (each 24 hours, so <c>PT36H</c> is
/// <c>P1DT12H</c>) are counted as days, the rest (<c>PT5H</c>, <c>PT30S</c>) as elapsed time.</para>
/// <para><b>Calendar durations.</b> The days are local calendar days: the deadline is at the same local time of day that many
/// days later, whatever daylight-saving change lies between (so <c>P1D</c> across a spring-forward night is 23 hours of
/// elapsed time, across a fall-back night 25). The rest is then added as elapsed time.</para>
/// <para><b>Business durations.</b> A business day is a whole local day (00:00 to 24:00), Monday to Friday, that is not one of
/// the facility's holidays; the clock runs only on business days.</para>
/// <list type="number">
/// <item>A clock started on a non-business day starts at 00:00 of the next business day.</item>
/// <item>The days part moves forward that many business days, keeping the local time of day (Friday 16:00 + <c>P1D</c> is
/// Monday 16:00; a clock started on Saturday + <c>P1D</c> is Tuesday 00:00, i.e. the end of Monday).</item>
/// <item>The time part is elapsed time that runs only on business days: it pauses at the end of a business day and resumes at
/// 00:00 of the next one (Friday 20:00 + <c>PT5H</c> is Monday 01:00).</item>
/// <item>A deadline never lands on a non-business day: one that would fall exactly at the end of the last business day before
/// a weekend or holiday rolls to 00:00 of the next business day (the same amount of business time has elapsed).</item>
/// </list>
/// <para><b>Local times that do not exist or exist twice.</b> A local time skipped by a spring-forward change is moved
/// forward by the length of the gap (02:30 becomes 03:30); a local time repeated by a fall-back change means its first
/// occurrence.</para>
/// </summary>
public sealed class BusinessCalendar
{
    private readonly HashSet<DateOnly> _holidays;

    public BusinessCalendar(TimeZoneInfo timeZone, IEnumerable<DateOnly>? holidays = null)
    {
        TimeZone = timeZone ?? throw new ArgumentNullException(nameof(timeZone));
        _holidays = holidays is null ? [] : [.. holidays];
    }

    /// <summary>A calendar in UTC without holidays: for a facility the directory does not know.</summary>
    public static BusinessCalendar Utc { get; } = new(TimeZoneInfo.Utc);

    /// <summary>A calendar for an IANA time zone id; false when the id is unknown to this machine.</summary>
    public static bool TryCreate(string timeZoneId, IEnumerable<DateOnly>? holidays, out BusinessCalendar calendar)
    {
        calendar = Utc;
        if (string.IsNullOrWhiteSpace(timeZoneId) || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone)) return false;
        calendar = new BusinessCalendar(zone, holidays);
        return true;
    }

    public TimeZoneInfo TimeZone { get; }

    public IReadOnlySet<DateOnly> Holidays => _holidays;

    public bool IsBusinessDay(DateOnly date) => date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(date);

    public DateOnly NextBusinessDay(DateOnly date)
    {
        do date = date.AddDays(1);
        while (!IsBusinessDay(date));
        return date;
    }

    /// <summary>The instant in the facility's local time (its offset then).</summary>
    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, TimeZone);

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    /// <summary>The instant a local date and time of day denote (see the class remarks for skipped and repeated times).</summary>
    public DateTimeOffset At(DateOnly date, TimeSpan timeOfDay)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified).Add(timeOfDay);
        TimeSpan offset;
        if (TimeZone.IsInvalidTime(local))
        {
            // Skipped by a spring-forward change: read it with the offset in force before the change, which lands the same
            // distance past the change as the time was past its start.
            offset = TimeZone.GetUtcOffset(local.AddDays(-1));
        }
        else if (TimeZone.IsAmbiguousTime(local))
        {
            offset = TimeZone.GetAmbiguousTimeOffsets(local).Max(); // the larger offset is the earlier instant
        }
        else
        {
            offset = TimeZone.GetUtcOffset(local);
        }

        return ToLocal(new DateTimeOffset(DateTime.SpecifyKind(local - offset, DateTimeKind.Utc)));
    }

    public DateTimeOffset StartOfDay(DateOnly date) => At(date, TimeSpan.Zero);

    /// <summary>When a duration started at <paramref name="from"/> runs out (see the class remarks), in the facility's local offset.</summary>
    public DateTimeOffset Add(DateTimeOffset from, SlaDuration duration)
    {
        ArgumentNullException.ThrowIfNull(duration);
        var days = duration.Length.Days;
        var time = duration.Length - TimeSpan.FromDays(days);
        var local = ToLocal(from);
        var date = DateOnly.FromDateTime(local.DateTime);

        if (duration.Days == SlaDays.Calendar)
        {
            var start = days == 0 ? local : At(date.AddDays(days), local.TimeOfDay);
            return ToLocal(start + time);
        }

        var timeOfDay = local.TimeOfDay;
        var t = local;
        if (!IsBusinessDay(date))
        {
            date = NextBusinessDay(date);
            timeOfDay = TimeSpan.Zero;
            t = StartOfDay(date);
        }

        if (days > 0)
        {
            for (var i = 0; i < days; i++) date = NextBusinessDay(date);
            t = At(date, timeOfDay);
        }

        while (true)
        {
            var endOfDay = StartOfDay(date.AddDays(1));
            var left = endOfDay - t;
            if (left < TimeSpan.Zero) left = TimeSpan.Zero; // only when a skipped local time pushed t past midnight
            if (time < left) return ToLocal(t + time);
            // The business day runs out first (or exactly): carry the rest to the start of the next business day.
            time -= left;
            date = NextBusinessDay(date);
            t = StartOfDay(date);
            if (time == TimeSpan.Zero) return t;
        }
    }
}
