using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace PatientExperience.Web.Console;

/// <summary>How the console writes times, durations and links; one place, so the worklist and the case page agree.</summary>
public static class ConsoleFormat
{
    /// <summary>An absolute time people can read and screen readers announce (UTC: staff work across facilities' time zones).</summary>
    public static string Absolute(DateTimeOffset at) => at.ToUniversalTime().ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The machine-readable time of a <c>&lt;time datetime&gt;</c> element.</summary>
    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>What is left until a deadline ("2 h 05 m left", "overdue by 3 d 4 h"); the script keeps it current in the page.</summary>
    public static string Remaining(DateTimeOffset deadline, DateTimeOffset now)
    {
        var left = deadline - now;
        var span = left.Duration();
        var text = span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
            : span.TotalHours >= 1 ? $"{span.Hours} h {span.Minutes:00} m"
            : $"{span.Minutes} m {span.Seconds:00} s";
        return left < TimeSpan.Zero ? $"overdue by {text}" : $"{text} left";
    }

    /// <summary>A console path with the given query values (empty ones left out), so filters survive links and the back button.</summary>
    public static string Link(string path, IEnumerable<KeyValuePair<string, string?>> query) =>
        QueryHelpers.AddQueryString(path, query.Where(q => !string.IsNullOrEmpty(q.Value)));

    /// <summary>Wire words as people read them: "response-sent" is "response sent".</summary>
    public static string Words(string? wire) => string.IsNullOrEmpty(wire) ? "" : wire.Replace('-', ' ');
}
