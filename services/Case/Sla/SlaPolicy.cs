using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Sla;

/// <summary>
/// The deadlines of a case at one severity, each counted from when its clock starts.
/// <see cref="Acknowledge"/> is also the time allowed at each escalation level before the case moves up a level.
/// </summary>
public sealed record SlaDeadlines(SlaDuration Acknowledge, SlaDuration InterimNotice, SlaDuration Response);

/// <summary>
/// One version of a facility's SLA policy. Version 0 is the default of the facility's regulatory profile, used while the
/// facility has never had a policy of its own; every change creates version N+1 and older versions are kept, so a case keeps
/// the version it opened under.
/// </summary>
public sealed class SlaPolicy
{
    private readonly IReadOnlyDictionary<Severity, SlaDeadlines> _severities;

    /// <param name="severities">Deadlines for some severities; the others use <paramref name="deadlines"/>.</param>
    public SlaPolicy(string facilityId, int version, SlaDeadlines deadlines, IReadOnlyDictionary<Severity, SlaDeadlines>? severities = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(facilityId);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        ArgumentNullException.ThrowIfNull(deadlines);
        FacilityId = facilityId;
        Version = version;
        Deadlines = deadlines;
        _severities = Wire.Values<Severity>().ToDictionary(s => s, s => severities is not null && severities.TryGetValue(s, out var d) ? d : deadlines);
    }

    public string FacilityId { get; }

    public int Version { get; }

    /// <summary>The deadlines of every severity without an override of its own.</summary>
    public SlaDeadlines Deadlines { get; }

    /// <summary><c>facility</c> for a policy the facility set, <c>profile-default</c> for version 0.</summary>
    public string Source => Version == 0 ? "profile-default" : "facility";

    /// <summary>The regulatory profile whose defaults version 0 holds (null for a facility's own policy).</summary>
    public string? RegulatoryProfile { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public string? CreatedBy { get; init; }

    /// <summary>The deadlines at a severity: its own, or <see cref="Deadlines"/>.</summary>
    /// <exception cref="ArgumentException">Not a defined severity.</exception>
    public SlaDeadlines For(Severity severity) =>
        _severities.TryGetValue(severity, out var deadlines) ? deadlines : throw new ArgumentException($"Unknown severity '{severity}'.", nameof(severity));
}

/// <summary>The SLA policies of facilities, for the escalation saga and the case lifecycle.</summary>
public interface ISlaPolicies
{
    /// <summary>The facility's current policy: its latest version, or version 0 (its regulatory profile's default) if it never had one.</summary>
    Task<SlaPolicy> CurrentAsync(string facilityId, CancellationToken ct);

    /// <summary>A given version; 0 is the profile default.</summary>
    /// <exception cref="KeyNotFoundException">The facility has no such version.</exception>
    Task<SlaPolicy> VersionAsync(string facilityId, int version, CancellationToken ct);
}

/// <summary>Turns a duration into a due time in the facility's time zone and holiday calendar.</summary>
public interface IDeadlineCalculator
{
    Task<DateTimeOffset> DueAsync(string facilityId, DateTimeOffset from, SlaDuration duration, CancellationToken ct);
}
