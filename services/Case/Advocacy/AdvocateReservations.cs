using PatientExperience.Storage;

namespace PatientExperience.Case.Advocacy;

/// <summary>A case given to an advocate by automatic assignment, counted against their capacity until the case itself shows it.</summary>
public sealed record CaseReservation(Guid CaseId, DateTimeOffset At);

/// <summary>One advocate's recent reservations (id: the person id), written under optimistic concurrency.</summary>
public sealed record AdvocateReservationLedger
{
    public required string AdvocateId { get; init; }
    public IReadOnlyList<CaseReservation> Reservations { get; init; } = [];
}

/// <summary>What reserving a seat in an advocate's caseload came to.</summary>
public enum ReservationOutcome { Reserved, AtCapacity, Conflict }

/// <summary>
/// Keeps automatic assignment under each advocate's capacity when cases open at the same instant. Counting open cases and
/// then saving the case is not enough: two cases opened together both count the same caseload and both take the last place.
/// So before a case is saved with its advocate, a reservation is written to the advocate's ledger under the version read
/// (a conditional write): of two assignments racing for the same advocate one write fails and that assignment starts again,
/// and then counts the other's reservation. A reservation counts (with the open cases, each case once) for
/// <see cref="Window"/>, by when the assignment it stands for is saved.
/// </summary>
public sealed class AdvocateReservations([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("advocate_reservations");

    /// <summary>How long a reservation counts: far longer than saving an assignment takes, retries included.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly IDocumentCollection<AdvocateReservationLedger> _ledgers = store.Collection<AdvocateReservationLedger>(Definition);

    /// <summary>The case ids reserved for each advocate within the window (other than <paramref name="excludingCaseId"/>).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<Guid>>> RecentAsync(IEnumerable<string> advocateIds, Guid excludingCaseId, DateTimeOffset now, CancellationToken ct)
    {
        var result = new Dictionary<string, IReadOnlyList<Guid>>(StringComparer.Ordinal);
        foreach (var id in advocateIds.Distinct(StringComparer.Ordinal))
        {
            var ledger = await _ledgers.GetAsync(id, ct);
            result[id] = ledger is null ? [] : Current(ledger.Document, now).Where(r => r.CaseId != excludingCaseId).Select(r => r.CaseId).ToList();
        }

        return result;
    }

    /// <summary>
    /// Reserves a place for <paramref name="caseId"/> in the advocate's caseload if, counting their open cases and recent
    /// reservations (each case once), they have room; under the ledger's version, so a concurrent reservation is a conflict.
    /// </summary>
    /// <param name="openCaseIds">The advocate's open cases as stored, read after the ledger was read or at the same moment.</param>
    public async Task<ReservationOutcome> TryReserveAsync(string advocateId, int? capacity, Guid caseId, Func<Task<IReadOnlyCollection<Guid>>> openCaseIds, DateTimeOffset now, CancellationToken ct)
    {
        var stored = await _ledgers.GetAsync(advocateId, ct);
        var ledger = stored?.Document ?? new AdvocateReservationLedger { AdvocateId = advocateId };
        var reserved = Current(ledger, now).Where(r => r.CaseId != caseId).ToList();
        var load = (await openCaseIds()).Where(id => id != caseId).Concat(reserved.Select(r => r.CaseId)).Distinct().Count();
        if (capacity is { } c && load >= c) return ReservationOutcome.AtCapacity;

        var after = ledger with { Reservations = [.. reserved, new CaseReservation(caseId, now)] };
        try
        {
            if (stored is null) await _ledgers.InsertAsync(advocateId, after, [], ct);
            else await _ledgers.ReplaceAsync(advocateId, after, stored.Version, [], ct);
            return ReservationOutcome.Reserved;
        }
        catch (Exception e) when (e is ConcurrencyConflictException or DuplicateDocumentException)
        {
            return ReservationOutcome.Conflict;
        }
    }

    private static IEnumerable<CaseReservation> Current(AdvocateReservationLedger ledger, DateTimeOffset now) =>
        ledger.Reservations.Where(r => now - r.At < Window);
}
