using System.Globalization;
using System.Xml;

namespace PatientExperience.Survey.Policy;

/// <summary>
/// ISO 8601 durations as the survey policy takes them: <c>PnDTnHnMnS</c> (years count 365 days, months 30) or <c>PnW</c>.
/// Seconds-scale values (<c>PT5S</c>) are allowed so that tests and demos run in seconds.
/// </summary>
/// <remarks>The case service's SLA policy parses the same syntax; a shared building block can take both.</remarks>
public static class IsoDurations
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64 || text != text.Trim() || text.StartsWith('-')) return false;
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

    /// <summary>Days and a time part: <c>P42D</c>, <c>PT48H</c> is written <c>P2D</c>, <c>PT5S</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero) return "PT0S";
        var text = XmlConvert.ToString(value);
        return text;
    }
}
