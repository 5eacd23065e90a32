using System.ComponentModel.DataAnnotations;
using PatientExperience.Storage;

namespace PatientExperience.Case.Directory;

/// <summary>Bound from <c>Directory</c>.</summary>
public sealed class DirectoryOptions
{
    public const string Section = "Directory";

    /// <summary>Load the demo health system on first start (standalone and local development).</summary>
    public bool SeedDemo { get; set; }

    [Required]
    public string DemoSeedFile { get; set; } = Path.Combine("Directory", "demo-health-system.json");
}

/// <summary>The organisation directory's port.</summary>
public sealed class DirectoryStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("facilities") { IndexedFields = ["name"] };

    private readonly IDocumentCollection<Facility> _facilities = store.Collection<Facility>(Definition);

    public async Task<IReadOnlyList<Facility>> ListAsync(CancellationToken ct) =>
        (await _facilities.QueryAsync(new DocumentQuery { SortBy = "name", PageSize = 1000 }, ct)).Items.Select(i => i.Document).ToList();

    public async Task<Facility?> GetAsync(string id, CancellationToken ct) => (await _facilities.GetAsync(id, ct))?.Document;

    public Task<long> CountAsync(CancellationToken ct) => _facilities.CountAsync(ct);

    /// <summary>Adds a facility; false when it already exists.</summary>
    public async Task<bool> TryAddAsync(Facility facility, CancellationToken ct)
    {
        try
        {
            await _facilities.InsertAsync(facility.Id, facility, [], ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }
}
