using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Organisation;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Case.Advocacy;

/// <summary>An advocate as the roster shows them: languages, capacity, leave, and open cases now.</summary>
public sealed record AdvocateView(
    string Id, string Name, string? Title, IReadOnlyList<string> Languages, int? Capacity, LeavePeriod? OnLeave, bool OnLeaveNow, int OpenCases, bool Available);

/// <summary>An open case of an advocate offered to another one, with the advocate matching would choose and why.</summary>
public sealed record ReassignmentCandidate(Guid CaseId, string CaseNumber, string FacilityId, string Status, string Severity, DateTimeOffset OpenedAt, string? SuggestedAdvocateId, string Reason);

/// <summary>The advocate's cases to hand over while they are away (<c>onLeave</c>: their current or next leave, if any).</summary>
public sealed record ReassignmentCandidates(string AdvocateId, LeavePeriod? OnLeave, IReadOnlyList<ReassignmentCandidate> Cases);

/// <summary>
/// The advocacy roster: who the advocates of a facility are, what they speak and carry; and, for an advocate going on leave,
/// their open cases with a suggested new advocate each (assign them with <c>POST /cases/{id}/assign</c>). Staff of the facility
/// read the roster; the people who assign cases see the reassignment candidates.
/// </summary>
public static class AdvocatesApi
{
    public static RouteGroupBuilder MapAdvocatesApi(this RouteGroupBuilder api)
    {
        var advocates = api.MapGroup("/advocates").WithTags("Advocacy").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        advocates.MapGet("", ListAsync).WithName("ListAdvocates").ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("The advocates of a facility (?facilityId=, required) with their languages, capacity, leave and current caseload (open cases assigned).");
        advocates.MapGet("/{advocateId}/reassignment-candidates", CandidatesAsync).WithName("ListReassignmentCandidates").ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("An advocate's open cases (in the caller's facilities) with the advocate each would go to now, for handing them over before or during leave.");
        return api;
    }

    internal static async Task<Results<Ok<IReadOnlyList<AdvocateView>>, NotFound, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, DirectoryStore directory, AdvocateRoster roster, TimeProvider clock, CancellationToken ct, string? facilityId = null)
    {
        if (string.IsNullOrEmpty(facilityId)) return ProblemResults.Validation(new Dictionary<string, string[]> { ["facilityId"] = ["Required."] });
        if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        if (await directory.GetAsync(facilityId, ct) is null) return TypedResults.NotFound();
        var now = clock.GetUtcNow();
        var views = (await roster.ForFacilityAsync(facilityId, ct)).Select(r =>
        {
            var candidate = r.ToCandidate();
            return new AdvocateView(r.Advocate.Id, r.Advocate.Name, r.Advocate.Title, r.Advocate.Languages, r.Advocate.Capacity, r.Advocate.OnLeave,
                candidate.IsOnLeave(now), r.OpenCases, !candidate.IsOnLeave(now) && candidate.HasRoom);
        }).ToList();
        return TypedResults.Ok<IReadOnlyList<AdvocateView>>(views);
    }

    internal static async Task<Results<Ok<ReassignmentCandidates>, NotFound, ProblemHttpResult>> CandidatesAsync(
        string advocateId, ClaimsPrincipal user, DirectoryStore directory, CaseloadStore caseloads, AdvocateRoster roster, TimeProvider clock, CancellationToken ct)
    {
        if (!CaseActionRoles.Allows(CaseActionRoles.Assign, user.IsInRole)) return ProblemResults.Forbidden("Your role does not assign cases.");
        var advocate = (await directory.GetPersonAsync(advocateId, ct))?.Document;
        if (advocate is null || !advocate.HasRole(StaffRole.Advocate) || !advocate.IsVisibleTo(user.CanAccessFacility)) return TypedResults.NotFound();
        var now = clock.GetUtcNow();
        var cases = new List<ReassignmentCandidate>();
        foreach (var stored in await caseloads.OpenCasesOfAsync([advocateId], ct))
        {
            var c = stored.Document;
            if (!user.CanAccessFacility(c.FacilityId)) continue;
            var match = await roster.MatchAsync(c, advocate.OnLeave?.From > now ? advocate.OnLeave.From : now, ct, excluding: advocateId);
            cases.Add(new ReassignmentCandidate(c.Id, c.CaseNumber, c.FacilityId, c.Status.ToWire(), c.Severity.ToWire(), c.OpenedAt, match.AdvocateId, match.Reason));
        }

        var leave = advocate.OnLeave is { } l && l.To > now ? l : null;
        return TypedResults.Ok(new ReassignmentCandidates(advocateId, leave, cases));
    }
}
