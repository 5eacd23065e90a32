using System.Globalization;
using System.Xml;

namespace PatientExperience.ServiceDefaults.Time;

/// <summary>
/// ISO 8601 durations as every API of the platform takes them (SLA policies, survey policies): <c>PnYnMnDTnHnMnS</c> (a
/// year is 365 days, a month 30) or <c>PnW</c>. Seconds-scale values (<c>PT5S</c>) parse, so tests and demos run in seconds.
/// </summary>
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
