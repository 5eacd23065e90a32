using PatientExperience.Case.Organisation;

namespace PatientExperience.Case.Sla;

/// <summary>
/// Reads policies from the store; version 0 is the default of the facility's regulatory profile. A facility the directory
/// does not know gets the default profile's deadlines, so a case is never left without a clock.
/// </summary>
public sealed class SlaPolicies(SlaPolicyStore store, DirectoryStore directory, RegulatoryProfiles profiles) : ISlaPolicies
{
    public async Task<SlaPolicy> CurrentAsync(string facilityId, CancellationToken ct) =>
        (await store.LatestAsync(facilityId, ct))?.ToPolicy() ?? await ProfileDefaultAsync(facilityId, ct);

    public async Task<SlaPolicy> VersionAsync(string facilityId, int version, CancellationToken ct) =>
        await FindVersionAsync(facilityId, version, ct)
        ?? throw new KeyNotFoundException($"Facility '{facilityId}' has no SLA policy version {version}.");

    /// <summary>A given version (0: the profile default), or null when the facility has no such version.</summary>
    public async Task<SlaPolicy?> FindVersionAsync(string facilityId, int version, CancellationToken ct) =>
        version == 0 ? await ProfileDefaultAsync(facilityId, ct) : (await store.GetAsync(facilityId, version, ct))?.ToPolicy();

    /// <summary>Version 0: the deadlines of the facility's regulatory profile.</summary>
    public async Task<SlaPolicy> ProfileDefaultAsync(string facilityId, CancellationToken ct)
    {
        var facility = await directory.GetAsync(facilityId, ct);
        var profile = profiles.Get(facility?.RegulatoryProfile);
        return new SlaPolicy(facilityId, 0, profile.DefaultDeadlines) { RegulatoryProfile = profile.Id };
    }
}

/// <summary>Reads the facility's time zone and holidays from the directory and lets <see cref="BusinessCalendar"/> do the arithmetic.</summary>
public sealed class DeadlineCalculator(DirectoryStore directory) : IDeadlineCalculator
{
    public async Task<DateTimeOffset> DueAsync(string facilityId, DateTimeOffset from, SlaDuration duration, CancellationToken ct) =>
        (await CalendarAsync(facilityId, ct)).Add(from, duration);

    /// <summary>The facility's calendar; UTC without holidays for a facility the directory does not know.</summary>
    public async Task<BusinessCalendar> CalendarAsync(string facilityId, CancellationToken ct)
    {
        var facility = await directory.GetAsync(facilityId, ct);
        return facility is not null && BusinessCalendar.TryCreate(facility.TimeZone, facility.Holidays, out var calendar) ? calendar : BusinessCalendar.Utc;
    }
}
