using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PatientExperience.Reporting.Governance;

/// <summary>Bound from <c>Reporting:GovernancePacks</c>; validated at start-up.</summary>
public sealed class GovernancePackOptions
{
    public const string Section = "Reporting:GovernancePacks";

    /// <summary>How often the scheduler looks for packs that are due (default 15 minutes; 1 second to 1 day).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>True to generate no pack on schedule (they are still produced on demand).</summary>
    public bool Paused { get; set; }

    /// <summary>
    /// Each facility's IANA time zone (<c>TimeZones:riverside-general=America/New_York</c>): the first working day of a month
    /// starts at midnight there. The reporting service receives no directory, so a facility not named here uses <see cref="DefaultTimeZone"/>.
    /// </summary>
    public Dictionary<string, string> TimeZones { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The time zone of facilities not in <see cref="TimeZones"/> (UTC by default).</summary>
    [Required]
    public string DefaultTimeZone { get; set; } = "UTC";

    public TimeZoneInfo ZoneOf(string facilityId) =>
        TimeZoneInfo.FindSystemTimeZoneById(TimeZones.TryGetValue(facilityId, out var zone) ? zone : DefaultTimeZone);
}

/// <summary>Every time zone named must be one this machine knows.</summary>
public sealed class GovernancePackOptionsValidator : IValidateOptions<GovernancePackOptions>
{
    public ValidateOptionsResult Validate(string? name, GovernancePackOptions options)
    {
        var failures = new List<string>();
        if (!Known(options.DefaultTimeZone)) failures.Add($"{GovernancePackOptions.Section}:DefaultTimeZone is not a known time zone.");
        foreach (var (facility, zone) in options.TimeZones)
        {
            if (!Known(zone)) failures.Add($"{GovernancePackOptions.Section}:TimeZones:{facility} is not a known time zone.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool Known(string? zone) => !string.IsNullOrWhiteSpace(zone) && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _);
}
