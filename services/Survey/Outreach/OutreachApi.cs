using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Survey.Outreach;

public static class OutreachApi
{
    /// <summary>Who recruits for focus groups and outreach.</summary>
    public static readonly IReadOnlyList<StaffRole> ReaderRoles = [StaffRole.Admin, StaffRole.PatientRelations, StaffRole.Advocate];

    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapOutreachApi(this RouteGroupBuilder api)
    {
        api.MapGet("/surveys/outreach-consents", ListAsync).WithName("ListOutreachConsents").WithTags("Outreach")
            .RequireAuthorization(p => p.RequireRole(ReaderRoles.ToClaims())).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Respondents at a facility who agreed to be approached for focus groups (newest first, optionally by language). Every read is audited.");
        return api;
    }

    internal static async Task<Results<Ok<PagedResponse<OutreachConsent>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? facilityId, string? language, ClaimsPrincipal user, OutreachStore store, SurveyAuditLog audit, CancellationToken ct, int page = 1, int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(facilityId)) errors["facilityId"] = ["Required."];
        if (language is not (null or "en" or "es")) errors["language"] = ["Must be en or es."];
        Paging.Validate(errors, page, pageSize, DocumentQuery.MaxPageNumber, MaxPageSize);
        if (errors.Count > 0) return ProblemResults.Validation(errors);
        if (!user.CanAccessFacility(facilityId!)) return ProblemResults.Forbidden("Your access does not cover this facility.");

        var result = await store.ListAsync(facilityId!, language, page, pageSize, ct);
        // Each consent shown is a read of a patient's contact reference: recorded one by one, before the answer goes out.
        foreach (var consent in result.Items) await audit.RecordAsync(user, "read-outreach-consent", consent.Document.ResponseId, facilityId!, ct);
        return TypedResults.Ok(new PagedResponse<OutreachConsent>(result.Items.Select(i => i.Document).ToList(), result.PageNumber, result.PageSize, result.Total));
    }
}
