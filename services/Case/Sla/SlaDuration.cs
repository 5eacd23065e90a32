using System.Globalization;
using System.Text.Json.Serialization;
using System.Xml;

namespace PatientExperience.Case.Sla;

/// <summary>How the days of a deadline are counted.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SlaDays>))]
public enum SlaDays
{
    /// <summary>Every day counts.</summary>
    [JsonStringEnumMemberName("calendar")] Calendar,

    /// <summary>Only business days count: not Saturdays, Sundays or the facility's holidays (<see cref="BusinessCalendar"/>).</summary>
    [JsonStringEnumMemberName("business")] Business,
}

/// <summary>
/// A positive length of time allowed for something, counted in calendar or business days in the facility's time zone
/// (<see cref="BusinessCalendar.Add"/> defines the arithmetic). Written as an ISO 8601 duration (<c>P1D</c>, <c>PT5S</c>).
/// </summary>
public sealed record SlaDuration
{
    /// <summary>The longest duration a policy may hold (about ten years), so every deadline stays representable.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(3660);

    [JsonConstructor]
    public SlaDuration(TimeSpan length, SlaDays days)
    {
        if (length <= TimeSpan.Zero || length > Max) throw new ArgumentOutOfRangeException(nameof(length), "An SLA duration must be positive and at most P3660D.");
        if (!Enum.IsDefined(days)) throw new ArgumentOutOfRangeException(nameof(days));
        Length = length;
        Days = days;
    }

    public TimeSpan Length { get; }

    public SlaDays Days { get; }

    public static SlaDuration Calendar(TimeSpan length) => new(length, SlaDays.Calendar);

    public static SlaDuration Business(TimeSpan length) => new(length, SlaDays.Business);

    public static SlaDuration CalendarDays(int days) => Calendar(TimeSpan.FromDays(days));

    public static SlaDuration BusinessDays(int days) => Business(TimeSpan.FromDays(days));

    /// <summary>The length as an ISO 8601 duration, e.g. <c>P1D</c>, <c>PT5S</c>, <c>P1DT2H</c>.</summary>
    [JsonIgnore]
    public string Iso => IsoDuration.Format(Length);

    public override string ToString() => $"{Iso} {(Days == SlaDays.Business ? "business" : "calendar")}";
}

/// <summary>ISO 8601 durations as the API takes them: <c>PnYnMnDTnHnMnS</c> (a year is 365 days, a month 30) or <c>PnW</c>.</summary>
public static class IsoDuration
{
    /// <summary>Parses a duration; false for anything malformed. Zero and negative durations parse (the caller decides).</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64 || text != text.Trim()) return false;
        // XML Schema durations have no weeks; ISO 8601 allows PnW on its own.
        if (text.Length > 2 && text[0] == 'P' && text[^1] == 'W')
        {
            if (!int.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var weeks) || weeks > 10_000) return false;
            value = TimeSpan.FromDays(7L * weeks);
            return true;
        }

        try
        {
            value = XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>Days, hours, minutes and (fractional) seconds: <c>P30D</c>, <c>PT5S</c>, <c>P1DT12H</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "PT0S";
        var sign = value < TimeSpan.Zero ? "-" : "";
        var v = value.Duration();
        var result = new System.Text.StringBuilder(sign).Append('P');
        if (v.Days > 0) result.Append(v.Days.ToString(CultureInfo.InvariantCulture)).Append('D');
        var time = v - TimeSpan.FromDays(v.Days);
        if (time > TimeSpan.Zero)
        {
            result.Append('T');
            if (time.Hours > 0) result.Append(time.Hours.ToString(CultureInfo.InvariantCulture)).Append('H');
            if (time.Minutes > 0) result.Append(time.Minutes.ToString(CultureInfo.InvariantCulture)).Append('M');
            var seconds = time - new TimeSpan(time.Hours, time.Minutes, 0);
            if (seconds > TimeSpan.Zero)
            {
                var whole = (long)seconds.TotalSeconds;
                var fraction = seconds.Ticks % TimeSpan.TicksPerSecond;
                result.Append(whole.ToString(CultureInfo.InvariantCulture));
                if (fraction > 0) result.Append('.').Append(fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0'));
                result.Append('S');
            }
        }

        return result.ToString();
    }
}
