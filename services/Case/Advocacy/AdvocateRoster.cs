using PatientExperience.Case.Cases;
using PatientExperience.Case.Organisation;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Advocacy;

/// <summary>An advocate of a facility with their open cases now.</summary>
public sealed record RosterEntry(Person Advocate, int OpenCases)
{
    public AdvocateCandidate ToCandidate() => AdvocateCandidate.From(Advocate, OpenCases);
}

/// <summary>
/// The advocates of a facility (people with the <c>advocate</c> role who cover it) and their caseloads, and the matching of a
/// case to one of them (<see cref="AdvocateMatcher"/>), with the patient's earlier advocate looked up by patient reference.
/// </summary>
public sealed class AdvocateRoster(DirectoryStore directory, CaseloadStore caseloads, AdvocateReservations reservations)
{
    public async Task<IReadOnlyList<RosterEntry>> ForFacilityAsync(string facilityId, CancellationToken ct) => await ForFacilityAsync(facilityId, ct, null, null);

    /// <summary>
    /// With <paramref name="matchingCaseId"/>: the caseloads matching sees, each advocate's open cases together with the cases
    /// just reserved for them by automatic assignment (<see cref="AdvocateReservations"/>), each case once, the one being matched left out.
    /// </summary>
    private async Task<IReadOnlyList<RosterEntry>> ForFacilityAsync(string facilityId, CancellationToken ct, Guid? matchingCaseId, DateTimeOffset? now)
    {
        var advocates = (await directory.ListPeopleAsync(ct)).Select(p => p.Document)
            .Where(p => p.HasRole(StaffRole.Advocate) && p.CoversFacility(facilityId))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal)
            .ToList();
        var ids = advocates.Select(a => a.Id).ToList();
        if (matchingCaseId is not { } caseId || now is not { } at)
        {
            var open = await caseloads.OpenCasesAsync(ids, ct);
            return advocates.Select(a => new RosterEntry(a, open.GetValueOrDefault(a.Id))).ToList();
        }

        var reserved = await reservations.RecentAsync(ids, caseId, at, ct);
        var openIds = await OpenCaseIdsAsync(ids, ct);
        return advocates.Select(a => new RosterEntry(a, openIds.GetValueOrDefault(a.Id, []).Where(id => id != caseId)
            .Concat(reserved.GetValueOrDefault(a.Id, [])).Distinct().Count())).ToList();
    }

    /// <summary>Each advocate's open cases by id (capacity counts them in every facility), from the index, no case read.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyCollection<Guid>>> OpenCaseIdsAsync(IReadOnlyCollection<string> advocateIds, CancellationToken ct)
    {
        var result = new Dictionary<string, IReadOnlyCollection<Guid>>(StringComparer.Ordinal);
        foreach (var id in advocateIds.Distinct(StringComparer.Ordinal)) result[id] = await caseloads.OpenCaseIdsOfAsync(id, ct);
        return result;
    }

    /// <summary>The capacity of an advocate (null: none set, or not found).</summary>
    public async Task<int?> CapacityOfAsync(string advocateId, CancellationToken ct) =>
        (await directory.ListPeopleAsync(ct)).Select(p => p.Document).FirstOrDefault(p => p.Id == advocateId)?.Capacity;

    /// <summary>The advocate <paramref name="c"/> should go to now (excluding <paramref name="excluding"/>), and why.</summary>
    public async Task<AdvocateMatch> MatchAsync(CaseFile c, DateTimeOffset now, CancellationToken ct, string? excluding = null)
    {
        var roster = await ForFacilityAsync(c.FacilityId, ct, c.Id, now);
        var previous = await caseloads.PreviousAdvocateAsync(c.FacilityId, c.PatientReference, c.Id, ct);
        return AdvocateMatcher.Choose(roster.Select(r => r.ToCandidate()).ToList(), new MatchRequest(c.PreferredLanguage, previous, excluding), now);
    }
}
