using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Cases;

/// <summary>A case as the staff console shows it.</summary>
public sealed record CaseView
{
    public required Guid CaseId { get; init; }
    public required string CaseNumber { get; init; }
    public required Guid SubmissionId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required string Channel { get; init; }
    public string? Kind { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }
    public required long Version { get; init; }
    public required IReadOnlyList<CaseHistoryEntry> History { get; init; }

    public static CaseView From(Stored<Case> stored)
    {
        var c = stored.Document;
        return new CaseView
        {
            CaseId = c.Id, CaseNumber = c.CaseNumber, SubmissionId = c.SubmissionId, FacilityId = c.FacilityId,
            DepartmentId = c.DepartmentId, UnitId = c.UnitId, Channel = c.Channel, Kind = c.Kind, Status = c.Status,
            OpenedAt = c.OpenedAt, Version = stored.Version, History = c.History,
        };
    }
}

/// <summary>The worklist page shape every list endpoint of the platform uses.</summary>
public sealed record PagedResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

public static class CasesApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapCasesApi(this RouteGroupBuilder api)
    {
        var cases = api.MapGroup("/cases").WithTags("Cases").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        cases.MapGet("/{id:guid}", GetAsync).WithName("GetCase").WithSummary("One case, with its timeline. The ETag carries its version.");
        cases.MapGet("/", ListAsync).WithName("ListCases").WithSummary("Cases in the caller's facilities, newest first, filtered and paged.");
        return api;
    }

    internal static async Task<Results<Ok<CaseView>, NotFound>> GetAsync(Guid id, ClaimsPrincipal user, CaseStore cases, HttpContext http, CancellationToken ct)
    {
        var stored = await cases.GetAsync(id, ct);
        // A case outside the caller's facilities is answered as not found, so its existence is not disclosed.
        if (stored is null || !user.CanAccessFacility(stored.Document.FacilityId)) return TypedResults.NotFound();
        http.Response.Headers.ETag = $"\"{stored.Version}\"";
        return TypedResults.Ok(CaseView.From(stored));
    }

    internal static async Task<Results<Ok<PagedResponse<CaseView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, CaseStore cases, CancellationToken ct,
        string? facilityId = null, string? status = null, DateTimeOffset? createdFrom = null, DateTimeOffset? createdTo = null,
        int page = 1, int pageSize = 25)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1 or > DocumentQuery.MaxPageNumber) errors["page"] = [$"Must be between 1 and {DocumentQuery.MaxPageNumber}."];
        if (pageSize is < 1 or > MaxPageSize) errors["pageSize"] = [$"Must be between 1 and {MaxPageSize}."];
        if (createdFrom is { } f && createdTo is { } t && f >= t) errors["createdTo"] = ["Must be after createdFrom."];
        if (status is not null && status is not Case.New) errors["status"] = ["Unknown status."];
        if (errors.Count > 0) return ProblemResults.Validation(errors);

        IReadOnlyList<string>? facilities;
        if (facilityId is not null)
        {
            if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
            facilities = [facilityId];
        }
        else
        {
            facilities = user.HasAllFacilities() ? null : user.Facilities();
        }

        var result = await cases.ListAsync(new CaseFilter(facilities, status, createdFrom, createdTo), page, pageSize, ct);
        return TypedResults.Ok(new PagedResponse<CaseView>(result.Items.Select(CaseView.From).ToList(), result.PageNumber, result.PageSize, result.Total));
    }
}
