using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;

namespace PatientExperience.Case.Complainants;

/// <summary>The complainant threads port (collection <c>complainant_threads</c>): found by case id or by the hash of the status token.</summary>
public sealed class ComplainantThreadStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("complainant_threads") { UniqueFields = ["tokenHash"], IndexedFields = ["facilityId"] };

    private readonly IDocumentCollection<ComplainantThread> _threads = store.Collection<ComplainantThread>(Definition);

    public Task<Stored<ComplainantThread>?> GetAsync(Guid caseId, CancellationToken ct) => _threads.GetAsync(caseId.ToString(), ct);

    /// <summary>The thread of a token; null for a malformed or unknown one (no lookup for a malformed one).</summary>
    public Task<Stored<ComplainantThread>?> FindByTokenAsync(string? token, CancellationToken ct) =>
        StatusToken.IsWellFormed(token) ? _threads.FindOneAsync("tokenHash", StatusToken.Hash(token!), ct) : Task.FromResult<Stored<ComplainantThread>?>(null);

    /// <summary>Stores a new thread with the messages it causes; false when the case has one already.</summary>
    public async Task<bool> TryAddAsync(ComplainantThread thread, IReadOnlyList<object> events, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await _threads.InsertAsync(thread.CaseId.ToString(), thread, events.Select(e => OutboxMessages.Create(e, now)).ToList(), ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }

    /// <exception cref="ConcurrencyConflictException">The thread changed since <paramref name="expectedVersion"/>.</exception>
    public Task<Stored<ComplainantThread>> SaveAsync(ComplainantThread thread, long expectedVersion, IReadOnlyList<object> events, DateTimeOffset now, CancellationToken ct) =>
        _threads.ReplaceAsync(thread.CaseId.ToString(), thread, expectedVersion, events.Select(e => OutboxMessages.Create(e, now)).ToList(), ct);
}
