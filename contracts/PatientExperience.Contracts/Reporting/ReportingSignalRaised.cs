using System.Security.Cryptography;
using System.Text;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Reporting;

/// <summary>
/// A statistical process control rule fired on a unit's chart (today: complaints per 1,000 discharges on a u-chart), for the
/// department head to hear of. Raised once per <see cref="SignalId"/>: the same unit, measure, rule and period always give the
/// same id, so a consumer can drop repeats. Aggregates only.
/// </summary>
public sealed record ReportingSignalRaised
{
    public required Guid SignalId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public required string UnitId { get; init; }
    /// <summary><c>complaints-per-1000-discharges</c>.</summary>
    public required string Measure { get; init; }
    public required SignalRule Rule { get; init; }
    /// <summary>The first day of the period (ISO week from Monday, or month) the rule fired at.</summary>
    public required DateOnly Period { get; init; }
    /// <summary><c>week</c> or <c>month</c>.</summary>
    public required string Interval { get; init; }
    public required double Value { get; init; }
    public required double Centre { get; init; }
    public required double UpperLimit { get; init; }
    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>The id of a signal: a name-based id (SHA-256, version 8) of its facility, unit, measure, rule, interval and period.</summary>
    public static Guid IdOf(string facilityId, string unitId, string measure, SignalRule rule, string interval, DateOnly period)
    {
        var name = string.Join('\n', facilityId, unitId, measure, rule.ToWire(), interval, period.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8 (RFC 9562: custom)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // variant
        return new Guid(bytes, bigEndian: true);
    }
}
