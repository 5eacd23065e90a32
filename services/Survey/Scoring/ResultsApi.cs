using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Survey.Invitations;

namespace PatientExperience.Survey.Scoring;

/// <summary>Reads a facility's results (HTTP and gRPC share it): invitations issued in [from, to), and the responses to them.</summary>
public sealed class SurveyResultsReader(InvitationStore invitations)
{
    public async Task<SurveyResults> ReadAsync(string facilityId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var issued = new List<SurveyInvitation>();
        await foreach (var invitation in invitations.IssuedAsync(facilityId, from, to, ct)) issued.Add(invitation);
        return SurveyResults.From(issued);
    }
}

public static class ResultsApi
{
    public static RouteGroupBuilder MapResultsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/surveys/results", GetAsync).WithName("GetSurveyResults").WithTags("Survey results")
            .RequireAuthorization(AuthenticationExtensions.StaffPolicy).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Invited, responded, response rate, NPS and composite top-box scores of a facility's invitations issued in [from, to) (default: all until now).");
        return api;
    }

    internal static async Task<Results<Ok<SurveyResults>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string? facilityId, DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal user, SurveyResultsReader reader, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(facilityId)) return ProblemResults.Validation(new Dictionary<string, string[]> { ["facilityId"] = ["Required."] });
        if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        var end = to ?? clock.GetUtcNow().AddTicks(1);
        var start = from ?? DateTimeOffset.UnixEpoch;
        if (start >= end) return ProblemResults.Validation(new Dictionary<string, string[]> { ["from"] = ["Must be before 'to'."] });
        return TypedResults.Ok(await reader.ReadAsync(facilityId, start, end, ct));
    }
}
