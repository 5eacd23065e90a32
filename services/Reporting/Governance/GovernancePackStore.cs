using PatientExperience.Reporting.Projections;
using PatientExperience.Storage;

namespace PatientExperience.Reporting.Governance;

/// <summary>A pack generated on schedule: its place, month, when, and both renderings.</summary>
public sealed class StoredGovernancePack
{
    public required string FacilityId { get; set; }
    /// <summary>yyyy-MM.</summary>
    public required string Month { get; set; }
    public DateTimeOffset GeneratedAt { get; set; }
    public required string Html { get; set; }
    public required byte[] Pdf { get; set; }
}

/// <summary>The part of a stored pack a list shows (the renderings are not read).</summary>
public sealed class GovernancePackHeader
{
    public required string FacilityId { get; set; }
    public required string Month { get; set; }
    public DateTimeOffset GeneratedAt { get; set; }
}

/// <summary>A stored pack as listed: fetch it at <c>/api/v1/reports/governance-packs/{id}</c>.</summary>
public sealed record GovernancePackEntry(string Id, string FacilityId, string Month, DateTimeOffset GeneratedAt);

public sealed record GovernancePackList(IReadOnlyList<GovernancePackEntry> Items);

/// <summary>
/// The port over <c>report_governance_packs</c>: one document per facility and month under the id <c>{yyyy-MM}-{facilityId}</c>,
/// which is the schedule's idempotency key (a second insert for the same month is refused, so two replicas or a restart
/// never store a month twice).
/// </summary>
public sealed class GovernancePackStore([FromKeyedServices(ReportingModule.ServiceName)] IDocumentStore store)
{
    private readonly IDocumentCollection<StoredGovernancePack> _packs = store.Collection<StoredGovernancePack>(ReportingStore.GovernancePacksDefinition);
    private readonly IDocumentCollection<GovernancePackHeader> _headers = store.Collection<GovernancePackHeader>(ReportingStore.GovernancePacksDefinition);

    public static string IdOf(string facilityId, PackMonth month) => $"{month}-{facilityId}";

    public async Task<bool> ExistsAsync(string facilityId, PackMonth month, CancellationToken ct) =>
        await _headers.GetAsync(IdOf(facilityId, month), ct) is not null;

    /// <returns>False when the month's pack was stored already.</returns>
    public async Task<bool> TryAddAsync(StoredGovernancePack pack, CancellationToken ct)
    {
        if (!PackMonth.TryParse(pack.Month, out var month)) throw new ArgumentException("Not a month (yyyy-MM).", nameof(pack));
        try
        {
            await _packs.InsertAsync(IdOf(pack.FacilityId, month), pack, [], ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }

    public async Task<StoredGovernancePack?> GetAsync(string id, CancellationToken ct) => (await _packs.GetAsync(id, ct))?.Document;

    /// <summary>The packs of the facilities (null: every facility), newest month first.</summary>
    public async Task<IReadOnlyList<GovernancePackEntry>> ListAsync(IReadOnlyList<string>? facilities, CancellationToken ct)
    {
        var filters = facilities is null ? new List<FieldFilter>() : [FieldFilter.In("facilityId", facilities)];
        var entries = new List<GovernancePackEntry>();
        for (var page = 1; ; page++)
        {
            var result = await _headers.QueryAsync(new DocumentQuery { Filters = filters, SortBy = "month", Descending = true, PageNumber = page, PageSize = DocumentQuery.MaxPageSize }, ct);
            entries.AddRange(result.Items.Select(i => new GovernancePackEntry(i.Id, i.Document.FacilityId, i.Document.Month, i.Document.GeneratedAt)));
            if (result.Items.Count < DocumentQuery.MaxPageSize) break;
        }

        return entries.OrderByDescending(e => e.Month, StringComparer.Ordinal).ThenBy(e => e.FacilityId, StringComparer.Ordinal).ToList();
    }
}
