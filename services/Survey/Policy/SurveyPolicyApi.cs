using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Survey.Definitions;

namespace PatientExperience.Survey.Policy;

public static class SurveyPolicyApi
{
    public static RouteGroupBuilder MapSurveyPolicyApi(this RouteGroupBuilder api)
    {
        const string path = "/facilities/{facilityId}/survey-policy";
        api.MapGet(path, GetAsync).WithName("GetSurveyPolicy").WithTags("Survey policies").ProducesProblem(StatusCodes.Status403Forbidden)
            .RequireAuthorization(AuthenticationExtensions.StaffPolicy)
            .WithSummary("The facility's survey policy in force, or ?version=N an older one (0: the platform default). The ETag carries the version.");
        api.MapPut(path, PutAsync).WithName("PutSurveyPolicy").WithTags("Survey policies").ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .RequireAuthorization(p => p.RequireRole(SurveyModule.EditorRoles.ToClaims()))
            .WithSummary("Sets a new version of the facility's survey policy (the same policy again changes nothing); invitations keep the version they were planned under. If-Match is optional (the version you read).");
        return api;
    }

    internal static async Task<Results<Ok<SurveyPolicyView>, NotFound, ValidationProblem, ProblemHttpResult>> GetAsync(
        string facilityId, ClaimsPrincipal user, SurveyPolicyStore store, HttpContext http, CancellationToken ct, int? version = null)
    {
        if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        if (version is < 0) return ProblemResults.Validation(new Dictionary<string, string[]> { ["version"] = ["Must be 0 or more."] });
        var policy = version is { } v ? await store.VersionAsync(facilityId, v, ct) : await store.CurrentAsync(facilityId, ct);
        if (policy is null) return TypedResults.NotFound();
        EntityTags.Set(http, policy.Version);
        return TypedResults.Ok(SurveyPolicyView.From(policy));
    }

    internal static async Task<Results<Ok<SurveyPolicyView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string facilityId, SurveyPolicyRequest body, ClaimsPrincipal user, SurveyPolicyStore store, DefinitionStore definitions,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var rules = SurveyPolicy.Parse(facilityId, body, errors);
        if (rules?.SurveyId is { } surveyId && await definitions.CurrentPublishedAsync(surveyId, ct) is null)
            errors["surveyId"] = ["No published survey has this id."];
        if (errors.Count > 0 || rules is null) return ProblemResults.Validation(errors);

        // Versions are only ever added: a concurrent writer takes the next number, and this one tries the one after.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await store.CurrentAsync(facilityId, ct);
            if (ifMatch is { } expected && expected != current.Version) return EntityTags.Stale();
            var result = current.Version > 0 && current.SameRulesAs(rules) ? current : current.Succeed(rules, clock.GetUtcNow(), user.PersonId());
            if (result == current || await store.TryAddAsync(result, ct))
            {
                EntityTags.Set(http, result.Version);
                return TypedResults.Ok(SurveyPolicyView.From(result));
            }
        }

        return EntityTags.Conflict("The policy is being changed by others at the same time; retry. Nothing was changed.");
    }
}
