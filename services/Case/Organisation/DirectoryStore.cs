using PatientExperience.Messaging.Outbox;
using System.ComponentModel.DataAnnotations;
using PatientExperience.Storage;

namespace PatientExperience.Case.Organisation;

/// <summary>Bound from <c>Directory</c>.</summary>
public sealed class DirectoryOptions
{
    public const string Section = "Directory";

    /// <summary>Load the demo health system on first start (standalone and local development).</summary>
    public bool SeedDemo { get; set; }

    /// <summary>With <see cref="SeedDemo"/>: also the demo's assignment policies (automatic assignment). Tests that drive cases step by step turn it off.</summary>
    public bool SeedAssignmentPolicies { get; set; } = true;

    [Required]
    public string DemoSeedFile { get; set; } = Path.Combine("Organisation", "demo-health-system.json");
}

/// <summary>
/// The organisation directory's port: facilities (with their departments and units), people, and one escalation chain and
/// one triage rota per facility. Every document carries a version; replacing one at a stale version throws <see cref="ConcurrencyConflictException"/>.
/// </summary>
public sealed class DirectoryStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("facilities") { IndexedFields = ["name"] };
    public static readonly CollectionDefinition PeopleDefinition = new("people") { IndexedFields = ["name"] };
    public static readonly CollectionDefinition ChainsDefinition = new("escalation_chains");
    public static readonly CollectionDefinition TriageRotasDefinition = new("triage_rotas");

    private readonly IDocumentCollection<Facility> _facilities = store.Collection<Facility>(Definition);
    private readonly IDocumentCollection<Person> _people = store.Collection<Person>(PeopleDefinition);
    private readonly IDocumentCollection<EscalationChain> _chains = store.Collection<EscalationChain>(ChainsDefinition);
    private readonly IDocumentCollection<TriageRota> _rotas = store.Collection<TriageRota>(TriageRotasDefinition);

    // Facilities

    /// <summary>Every facility, by name (all of them: a health system with more than a page of facilities is not cut short).</summary>
    public async Task<IReadOnlyList<Facility>> ListAsync(CancellationToken ct) =>
        (await _facilities.ReadAllAsync(new DocumentQuery { SortBy = "name" }, ct)).Select(i => i.Document).ToList();

    public async Task<Facility?> GetAsync(string id, CancellationToken ct) => (await _facilities.GetAsync(id, ct))?.Document;

    public Task<Stored<Facility>?> GetStoredAsync(string id, CancellationToken ct) => _facilities.GetAsync(id, ct);

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

    /// <exception cref="DuplicateDocumentException">The facility exists.</exception>
    public Task<Stored<Facility>> InsertAsync(Facility facility, CancellationToken ct) => _facilities.InsertAsync(facility.Id, facility, [], ct);

    /// <exception cref="ConcurrencyConflictException">The facility changed since <paramref name="expectedVersion"/>.</exception>
    public Task<Stored<Facility>> ReplaceAsync(Facility facility, long expectedVersion, CancellationToken ct) =>
        _facilities.ReplaceAsync(facility.Id, facility, expectedVersion, [], ct);

    // People

    public Task<Stored<Person>?> GetPersonAsync(string id, CancellationToken ct) => _people.GetAsync(id, ct);

    /// <summary>Everyone in the directory, by id. The directory of a health system is thousands of people at most.</summary>
    public Task<IReadOnlyList<Stored<Person>>> ListPeopleAsync(CancellationToken ct) => _people.ReadAllAsync(new DocumentQuery(), ct);

    /// <exception cref="DuplicateDocumentException">The id is taken.</exception>
    public Task<Stored<Person>> InsertPersonAsync(Person person, CancellationToken ct) => _people.InsertAsync(person.Id, person, [], ct);

    public async Task<bool> TryAddPersonAsync(Person person, CancellationToken ct)
    {
        try
        {
            await InsertPersonAsync(person, ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }

    /// <exception cref="ConcurrencyConflictException">The person changed since <paramref name="expectedVersion"/>.</exception>
    public Task<Stored<Person>> ReplacePersonAsync(Person person, long expectedVersion, CancellationToken ct) =>
        _people.ReplaceAsync(person.Id, person, expectedVersion, [], ct);

    /// <summary>Replaces a person with the commands or events the change causes, in one write (the relay sends them).</summary>
    /// <exception cref="ConcurrencyConflictException">The person changed since <paramref name="expectedVersion"/>.</exception>
    public Task<Stored<Person>> ReplacePersonAsync(Person person, long expectedVersion, IReadOnlyList<object> messages, DateTimeOffset now, CancellationToken ct) =>
        _people.ReplaceAsync(person.Id, person, expectedVersion, messages.Select(m => OutboxMessages.Create(m, now)).ToList(), ct);

    // Escalation chains

    public Task<Stored<EscalationChain>?> GetChainAsync(string facilityId, CancellationToken ct) => _chains.GetAsync(facilityId, ct);

    /// <exception cref="DuplicateDocumentException">The facility has a chain already.</exception>
    public Task<Stored<EscalationChain>> InsertChainAsync(EscalationChain chain, CancellationToken ct) => _chains.InsertAsync(chain.FacilityId, chain, [], ct);

    public async Task<bool> TryAddChainAsync(EscalationChain chain, CancellationToken ct)
    {
        try
        {
            await InsertChainAsync(chain, ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }

    /// <exception cref="ConcurrencyConflictException">The chain changed since <paramref name="expectedVersion"/>.</exception>
    public Task<Stored<EscalationChain>> ReplaceChainAsync(EscalationChain chain, long expectedVersion, CancellationToken ct) =>
        _chains.ReplaceAsync(chain.FacilityId, chain, expectedVersion, [], ct);

    // Triage rotas

    public Task<Stored<TriageRota>?> GetRotaAsync(string facilityId, CancellationToken ct) => _rotas.GetAsync(facilityId, ct);

    /// <exception cref="DuplicateDocumentException">The facility has a rota already.</exception>
    public Task<Stored<TriageRota>> InsertRotaAsync(TriageRota rota, CancellationToken ct) => _rotas.InsertAsync(rota.FacilityId, rota, [], ct);

    public async Task<bool> TryAddRotaAsync(TriageRota rota, CancellationToken ct)
    {
        try
        {
            await InsertRotaAsync(rota, ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }

    /// <exception cref="ConcurrencyConflictException">The rota changed since <paramref name="expectedVersion"/>.</exception>
    public Task<Stored<TriageRota>> ReplaceRotaAsync(TriageRota rota, long expectedVersion, CancellationToken ct) =>
        _rotas.ReplaceAsync(rota.FacilityId, rota, expectedVersion, [], ct);
}
