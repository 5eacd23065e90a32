using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Survey.Outreach;

public sealed record OutreachConsentPage(IReadOnlyList<OutreachConsent> Items, int Page, int PageSize, long Total);

public static class OutreachApi
{
    /// <summary>Who recruits for focus groups and outreach.</summary>
    public static readonly IReadOnlyList<string> ReaderRoles = ["admin", "patient-relations", "advocate"];

    public static RouteGroupBuilder MapOutreachApi(this RouteGroupBuilder api)
    {
        api.MapGet("/surveys/outreach-consents", ListAsync).WithName("ListOutreachConsents").WithTags("Outreach")
            .RequireAuthorization(p => p.RequireRole(ReaderRoles)).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Respondents at a facility who agreed to be approached for focus groups (newest first, optionally by language). Every read is audited.");
        return api;
    }

    internal static async Task<Results<Ok<OutreachConsentPage>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? facilityId, string? language, ClaimsPrincipal user, OutreachStore store, SurveyAuditLog audit, CancellationToken ct, int page = 1, int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(facilityId)) errors["facilityId"] = ["Required."];
        if (language is not (null or "en" or "es")) errors["language"] = ["Must be en or es."];
        if (page is < 1 or > DocumentQuery.MaxPageNumber) errors["page"] = ["Must be 1 or more."];
        if (pageSize is < 1 or > 200) errors["pageSize"] = ["Must be 1-200."];
        if (errors.Count > 0) return ProblemResults.Validation(errors);
        if (!user.CanAccessFacility(facilityId!)) return ProblemResults.Forbidden("Your access does not cover this facility.");

        var result = await store.ListAsync(facilityId!, language, page, pageSize, ct);
        await audit.RecordAsync(user, "list-outreach-consents", facilityId!, result.Items.Count, ct);
        return TypedResults.Ok(new OutreachConsentPage(result.Items.Select(i => i.Document).ToList(), result.PageNumber, result.PageSize, result.Total));
    }
}
