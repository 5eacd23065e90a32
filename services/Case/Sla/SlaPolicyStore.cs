using System.Globalization;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Storage;

namespace PatientExperience.Case.Sla;

/// <summary>One stored version of a facility's SLA policy. Never changed once written.</summary>
public sealed record SlaPolicyDocument
{
    public required string FacilityId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? CreatedBy { get; init; }
    /// <summary>The deadlines of every severity without an override.</summary>
    public required SlaDeadlines Deadlines { get; init; }
    /// <summary>Complete deadlines of the severities with overrides.</summary>
    public IReadOnlyDictionary<Severity, SlaDeadlines> Severities { get; init; } = new Dictionary<Severity, SlaDeadlines>();

    public SlaPolicy ToPolicy() => new(FacilityId, Version, Deadlines, Severities) { CreatedAt = CreatedAt, CreatedBy = CreatedBy };
}

/// <summary>The SLA policies port: every version of every facility's policy, one document each (id <c>{facility}#{version}</c>).</summary>
public sealed class SlaPolicyStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("sla_policies") { IndexedFields = ["facilityId", "version"] };

    private readonly IDocumentCollection<SlaPolicyDocument> _policies = store.Collection<SlaPolicyDocument>(Definition);

    private static string IdOf(string facilityId, int version) => facilityId + "#" + version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The facility's latest version, or null when it never had a policy.</summary>
    public async Task<SlaPolicyDocument?> LatestAsync(string facilityId, CancellationToken ct)
    {
        var page = await _policies.QueryAsync(new DocumentQuery
        {
            Filters = [FieldFilter.Eq("facilityId", facilityId)],
            SortBy = "version",
            Descending = true,
            PageSize = 1,
        }, ct);
        return page.Items.Count > 0 ? page.Items[0].Document : null;
    }

    public async Task<SlaPolicyDocument?> GetAsync(string facilityId, int version, CancellationToken ct) =>
        (await _policies.GetAsync(IdOf(facilityId, version), ct))?.Document;

    /// <summary>Stores a new version; false when that version exists already (someone else wrote it first).</summary>
    public async Task<bool> TryAddAsync(SlaPolicyDocument policy, CancellationToken ct)
    {
        try
        {
            await _policies.InsertAsync(IdOf(policy.FacilityId, policy.Version), policy, [], ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }
}
