using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Survey.Invitations;

/// <summary>A discharge's survey as staff see it: the decision and its reason, the steps, whether it was answered. No token, no answers.</summary>
public sealed record InvitationView
{
    public required Guid InvitationId { get; init; }
    public required Guid DischargeId { get; init; }
    public required string EncounterId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required string Status { get; init; }
    public string? IneligibleReason { get; init; }
    public required string Language { get; init; }
    public required int PolicyVersion { get; init; }
    public string? SurveyId { get; init; }
    public int? SurveyVersion { get; init; }
    public required DateTimeOffset DischargedAt { get; init; }
    public DateTimeOffset? IssuedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public required IReadOnlyList<InvitationStep> Steps { get; init; }
    public Guid? ResponseId { get; init; }
    public DateTimeOffset? RespondedAt { get; init; }

    public static InvitationView From(SurveyInvitation i) => new()
    {
        InvitationId = i.Id, DischargeId = i.DischargeId, EncounterId = i.EncounterId, FacilityId = i.FacilityId, DepartmentId = i.DepartmentId,
        UnitId = i.UnitId, Status = Wire(i.Status), IneligibleReason = i.IneligibleReason, Language = i.Language, PolicyVersion = i.PolicyVersion,
        SurveyId = i.SurveyId, SurveyVersion = i.SurveyId is null ? null : i.SurveyVersion, DischargedAt = i.DischargedAt, IssuedAt = i.IssuedAt,
        ExpiresAt = i.ExpiresAt, Steps = i.Steps, ResponseId = i.Response?.Id, RespondedAt = i.Response?.RespondedAt,
    };

    public static string Wire(InvitationStatus status) => status switch
    {
        InvitationStatus.Ineligible => "ineligible",
        InvitationStatus.Scheduled => "scheduled",
        InvitationStatus.Invited => "invited",
        _ => "responded",
    };
}

public static class InvitationsApi
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapInvitationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/surveys").WithTags("Survey invitations").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        group.MapGet("/invitations", ListAsync).WithName("ListSurveyInvitations").ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("A facility's discharges and what became of them: ineligible (with the reason), scheduled, invited or responded. Newest discharge first.");
        group.MapGet("/invitations/{dischargeId:guid}", GetAsync).WithName("GetSurveyInvitation")
            .WithSummary("One discharge's survey (not found outside your facilities).");
        return api;
    }

    internal static async Task<Results<Ok<PagedResponse<InvitationView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? facilityId, string? status, ClaimsPrincipal user, InvitationStore invitations, CancellationToken ct, int page = 1, int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(facilityId)) errors["facilityId"] = ["Required."];
        if (status is not (null or "ineligible" or "scheduled" or "invited" or "responded")) errors["status"] = ["Must be ineligible, scheduled, invited or responded."];
        Paging.Validate(errors, page, pageSize, DocumentQuery.MaxPageNumber, MaxPageSize);
        if (errors.Count > 0) return ProblemResults.Validation(errors);
        if (!user.CanAccessFacility(facilityId!)) return ProblemResults.Forbidden("Your access does not cover this facility.");

        var filters = new List<FieldFilter> { FieldFilter.Eq("facilityId", facilityId!) };
        if (status is not null) filters.Add(FieldFilter.Eq("status", status));
        var result = await invitations.QueryAsync(new DocumentQuery { Filters = filters, SortBy = "dischargedAt", Descending = true, PageNumber = page, PageSize = pageSize }, ct);
        return TypedResults.Ok(new PagedResponse<InvitationView>(result.Items.Select(i => InvitationView.From(i.Document)).ToList(), result.PageNumber, result.PageSize, result.Total));
    }

    internal static async Task<Results<Ok<InvitationView>, NotFound>> GetAsync(Guid dischargeId, ClaimsPrincipal user, InvitationStore invitations, CancellationToken ct)
    {
        var stored = await invitations.GetByDischargeAsync(dischargeId, ct);
        return stored is null || !user.CanAccessFacility(stored.Document.FacilityId) ? TypedResults.NotFound() : TypedResults.Ok(InvitationView.From(stored.Document));
    }
}
