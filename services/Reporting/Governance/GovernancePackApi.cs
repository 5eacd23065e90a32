using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Reporting.Kpis;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Reporting.Governance;

/// <summary>
/// <c>/api/v1/reports/governance-pack</c> (a facility's month, produced now) and <c>/api/v1/reports/governance-packs</c>
/// (the packs stored on schedule, listed and fetched by id). Reader roles; a facility outside the caller's token: 403.
/// </summary>
public static class GovernancePackApi
{
    public const string Pdf = "application/pdf";
    public const string Html = "text/html";

    public static RouteGroupBuilder MapGovernancePackApi(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Governance packs").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        reports.MapGet("/governance-pack", GetPackAsync).WithName("GetGovernancePack")
            .ProducesFile(Pdf, Html).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("A facility's governance pack for a month (yyyy-MM), produced now, as PDF (default) or HTML: volumes and rates, themes, timeliness, escalations, overdue grievances, survey trends, signals, charts.");
        reports.MapGet("/governance-packs", ListPacksAsync).WithName("ListGovernancePacks")
            .Produces<GovernancePackList>().ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("The governance packs generated on schedule (first working day of each month, facility time) for a facility, or every facility in the caller's scope, newest first.");
        reports.MapGet("/governance-packs/{id}", GetStoredPackAsync).WithName("GetStoredGovernancePack")
            .ProducesFile(Pdf, Html).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A stored governance pack as PDF (default) or HTML.");
        return api;
    }

    internal static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetPackAsync(
        string? facilityId, string? month, string? format, ClaimsPrincipal user, GovernancePacks packs, TimeProvider clock, CancellationToken ct)
    {
        if (!ReportParameters.MayRead(user)) return ProblemResults.Forbidden(ReportParameters.NotAReaderDetail);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(facilityId)) errors["facilityId"] = ["A governance pack is for one facility: give facilityId."];
        if (!PackMonth.TryParse(month, out var packMonth)) errors["month"] = ["Must be a month (yyyy-MM)."];
        else if (packMonth.First > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)) errors["month"] = ["Must not be a month that has not begun."];
        var pdf = IsPdf(format, errors);
        if (facilityId is { Length: > 0 } && !user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden(ReportParameters.OutOfScopeDetail);
        if (errors.Count > 0 || pdf is null) return ProblemResults.Validation(errors);

        var pack = await packs.RenderAsync(facilityId!, packMonth, ct);
        return File(pack.Document.FacilityId, pack.Document.Month.ToString(), pdf.Value, pack.Pdf, pack.Html);
    }

    internal static async Task<Results<Ok<GovernancePackList>, ValidationProblem, ProblemHttpResult>> ListPacksAsync(
        string? facilityId, ClaimsPrincipal user, GovernancePackStore store, CancellationToken ct)
    {
        if (!ReportParameters.MayRead(user)) return ProblemResults.Forbidden(ReportParameters.NotAReaderDetail);
        var errors = new Dictionary<string, string[]>();
        var scope = ReportParameters.Scope(user, facilityId, null, null, errors, out var forbidden);
        if (forbidden) return ProblemResults.Forbidden(ReportParameters.OutOfScopeDetail);
        if (scope is null) return ProblemResults.Validation(errors);
        return TypedResults.Ok(new GovernancePackList(await store.ListAsync(scope.FacilityIds, ct)));
    }

    internal static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetStoredPackAsync(
        string id, string? format, ClaimsPrincipal user, GovernancePackStore store, CancellationToken ct)
    {
        if (!ReportParameters.MayRead(user)) return ProblemResults.Forbidden(ReportParameters.NotAReaderDetail);
        var errors = new Dictionary<string, string[]>();
        var pdf = IsPdf(format, errors);
        if (pdf is null) return ProblemResults.Validation(errors);
        var pack = await store.GetAsync(id, ct);
        if (pack is null) return TypedResults.Problem("No governance pack has this id.", statusCode: StatusCodes.Status404NotFound, title: "Not found.");
        if (!user.CanAccessFacility(pack.FacilityId)) return ProblemResults.Forbidden(ReportParameters.OutOfScopeDetail);
        return File(pack.FacilityId, pack.Month, pdf.Value, pack.Pdf, pack.Html);
    }

    private static FileContentHttpResult File(string facilityId, string month, bool pdf, byte[] pdfBytes, string html) => pdf
        ? TypedResults.File(pdfBytes, Pdf, $"governance-pack-{facilityId}-{month}.pdf")
        : TypedResults.File(System.Text.Encoding.UTF8.GetBytes(html), Html + "; charset=utf-8");

    private static bool? IsPdf(string? format, IDictionary<string, string[]> errors)
    {
        switch (format)
        {
            case null or "" or "pdf": return true;
            case "html": return false;
            default: errors["format"] = ["Must be one of: pdf, html."]; return null;
        }
    }
}
