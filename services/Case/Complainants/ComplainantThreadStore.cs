using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;

namespace PatientExperience.Case.Complainants;

/// <summary>The complainant threads port (collection <c>complainant_threads</c>): found by case id or by the hash of the status token.</summary>
public sealed class ComplainantThreadStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("complainant_threads") { UniqueFields = ["tokenHash"], IndexedFields = ["facilityId"] };

    /// <summary>Links replaced by a reissue (id: the token's hash), so an old link keeps answering "revoked" rather than "unknown".</summary>
    public static readonly CollectionDefinition ReplacedDefinition = new("replaced_status_links") { IndexedFields = ["caseId"] };

    private readonly IDocumentCollection<ComplainantThread> _threads = store.Collection<ComplainantThread>(Definition);
    private readonly IDocumentCollection<ReplacedLinkRecord> _replaced = store.Collection<ReplacedLinkRecord>(ReplacedDefinition);

    /// <summary>Whether a token belongs to a link that was revoked and replaced.</summary>
    public async Task<bool> WasReplacedAsync(string? token, CancellationToken ct) =>
        StatusToken.IsWellFormed(token) && await _replaced.GetAsync(StatusToken.Hash(token!), ct) is not null;

    /// <summary>
    /// Replaces the thread's revoked link by a new one: first the old hash is recorded as replaced (idempotent), then the thread
    /// is written with the notice in its outbox. Stopping between the two leaves the old link revoked either way.
    /// </summary>
    /// <exception cref="ConcurrencyConflictException">The thread changed since <paramref name="expectedVersion"/>.</exception>
    public async Task<Stored<ComplainantThread>> ReissueAsync(ComplainantThread before, ComplainantThread after, long expectedVersion, object notice, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await _replaced.InsertAsync(before.TokenHash, new ReplacedLinkRecord(before.CaseId, now), [], ct);
        }
        catch (DuplicateDocumentException)
        {
            // Recorded by an earlier attempt.
        }

        return await SaveAsync(after, expectedVersion, [notice], now, ct);
    }

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

/// <summary>A replaced link's record (id: its token's hash).</summary>
public sealed record ReplacedLinkRecord(Guid CaseId, DateTimeOffset ReplacedAt);
