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
public sealed class AdvocateRoster(DirectoryStore directory, CaseloadStore caseloads)
{
    public async Task<IReadOnlyList<RosterEntry>> ForFacilityAsync(string facilityId, CancellationToken ct)
    {
        var advocates = (await directory.ListPeopleAsync(ct)).Select(p => p.Document)
            .Where(p => p.HasRole(StaffRole.Advocate) && p.CoversFacility(facilityId))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal)
            .ToList();
        var open = await caseloads.OpenCasesAsync(advocates.Select(a => a.Id).ToList(), ct);
        return advocates.Select(a => new RosterEntry(a, open.GetValueOrDefault(a.Id))).ToList();
    }

    /// <summary>The advocate <paramref name="c"/> should go to now (excluding <paramref name="excluding"/>), and why.</summary>
    public async Task<AdvocateMatch> MatchAsync(CaseFile c, DateTimeOffset now, CancellationToken ct, string? excluding = null)
    {
        var roster = await ForFacilityAsync(c.FacilityId, ct);
        var previous = await caseloads.PreviousAdvocateAsync(c.FacilityId, c.PatientReference, c.Id, ct);
        return AdvocateMatcher.Choose(roster.Select(r => r.ToCandidate()).ToList(), new MatchRequest(c.PreferredLanguage, previous, excluding), now);
    }
}
