using System.Globalization;

namespace PatientExperience.Notification.Preferences;

/// <summary>
/// A daily window in a person's own time zone when deliveries to their devices wait: <see cref="Start"/> inclusive to
/// <see cref="End"/> exclusive, over midnight when End is earlier (22:00-07:00). A local time that does not exist on a day
/// (the spring-forward gap) moves to the first instant after the gap.
/// </summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    /// <summary>Both empty: no quiet hours (true, null). Both HH:mm and different: the window. Anything else: false.</summary>
    public static bool TryParse(string? start, string? end, out QuietHours? hours)
    {
        hours = null;
        if (string.IsNullOrWhiteSpace(start) && string.IsNullOrWhiteSpace(end)) return true;
        if (!TimeOnly.TryParseExact(start, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var s)
            || !TimeOnly.TryParseExact(end, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var e)
            || s == e)
            return false;
        hours = new QuietHours(s, e);
        return true;
    }

    /// <summary>Whether <paramref name="now"/> falls in the window in <paramref name="zone"/>, and if so when the window ends.</summary>
    public bool IsQuiet(DateTimeOffset now, TimeZoneInfo zone, out DateTimeOffset endsAt)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var today = DateOnly.FromDateTime(local.DateTime);
        endsAt = default;
        bool quiet;
        DateOnly endDay;
        if (Start < End)
        {
            quiet = time >= Start && time < End;
            endDay = today;
        }
        else
        {
            quiet = time >= Start || time < End;
            endDay = time >= Start ? today.AddDays(1) : today;
        }

        if (!quiet) return false;
        endsAt = ToUtc(endDay.ToDateTime(End), zone);
        return true;
    }

    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    public override string ToString() => $"{Start:HH\\:mm}-{End:HH\\:mm}";
}
