using PatientExperience.Storage;

namespace PatientExperience.Case.Guidance;

/// <summary>The guidance library port: one document per entry (its key), its versions inside it; optimistic concurrency on the version.</summary>
public sealed class GuidanceStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("guidance");

    private readonly IDocumentCollection<GuidanceEntry> _entries = store.Collection<GuidanceEntry>(Definition);

    public Task<Stored<GuidanceEntry>?> GetAsync(string key, CancellationToken ct) => _entries.GetAsync(key, ct);

    /// <summary>False when the key exists already.</summary>
    public async Task<bool> TryAddAsync(GuidanceEntry entry, CancellationToken ct)
    {
        try
        {
            await _entries.InsertAsync(entry.Key, entry, [], ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }

    /// <exception cref="ConcurrencyConflictException">The entry changed since it was read.</exception>
    public Task<Stored<GuidanceEntry>> SaveAsync(GuidanceEntry entry, long expectedVersion, CancellationToken ct) =>
        _entries.ReplaceAsync(entry.Key, entry, expectedVersion, [], ct);

    /// <summary>The whole library (a few dozen entries), by key.</summary>
    public async Task<IReadOnlyList<Stored<GuidanceEntry>>> AllAsync(CancellationToken ct) =>
        (await _entries.ReadAllAsync(new DocumentQuery(), ct)).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
}
