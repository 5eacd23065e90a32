using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Case.Organisation;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Case.Sla;

/// <summary>
/// A new SLA policy for a facility. Durations are positive ISO 8601 durations (<c>P1D</c>, <c>PT8H</c>, <c>PT5S</c>) up to
/// <c>P3660D</c>. <see cref="Days"/> says how all three are counted (<c>calendar</c>, the default, or <c>business</c>);
/// <c>acknowledgeDays</c>, <c>interimNoticeDays</c> and <c>responseDays</c> override it for one deadline.
/// <see cref="Acknowledge"/> is also the time allowed at each escalation level before the case moves up.
/// </summary>
public sealed record SlaPolicyRequest
{
    public string? Acknowledge { get; init; }
    public string? InterimNotice { get; init; }
    public string? Response { get; init; }
    public string? Days { get; init; }
    public string? AcknowledgeDays { get; init; }
    public string? InterimNoticeDays { get; init; }
    public string? ResponseDays { get; init; }
    /// <summary>Overrides per severity (low, medium, high, critical): any field left out keeps the policy's value.</summary>
    public IReadOnlyDictionary<string, SlaSeverityRequest>? Severities { get; init; }
}

/// <summary>
/// A severity's deadlines. Each field is optional: a duration left out is the policy's; <see cref="Days"/> (or the
/// per-deadline <c>...Days</c>) here applies to this severity's deadlines, else each keeps the policy's counting.
/// </summary>
public sealed record SlaSeverityRequest
{
    public string? Acknowledge { get; init; }
    public string? InterimNotice { get; init; }
    public string? Response { get; init; }
    public string? Days { get; init; }
    public string? AcknowledgeDays { get; init; }
    public string? InterimNoticeDays { get; init; }
    public string? ResponseDays { get; init; }
}

/// <summary>A duration as the API shows it: <c>{"duration": "P1D", "days": "business"}</c>.</summary>
public sealed record SlaDurationView(string Duration, string Days)
{
    public static SlaDurationView From(SlaDuration d) => new(d.Iso, d.Days == SlaDays.Business ? "business" : "calendar");
}

public sealed record SlaDeadlinesView(SlaDurationView Acknowledge, SlaDurationView InterimNotice, SlaDurationView Response)
{
    public static SlaDeadlinesView From(SlaDeadlines d) => new(SlaDurationView.From(d.Acknowledge), SlaDurationView.From(d.InterimNotice), SlaDurationView.From(d.Response));
}

/// <summary>One version of a facility's SLA policy, with the deadlines in force at every severity.</summary>
public sealed record SlaPolicyView
{
    public required string FacilityId { get; init; }
    public required int Version { get; init; }
    /// <summary><c>facility</c> (set for the facility) or <c>profile-default</c> (version 0).</summary>
    public required string Source { get; init; }
    public string? RegulatoryProfile { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public string? CreatedBy { get; init; }
    /// <summary>The deadlines of severities without an override.</summary>
    public required SlaDeadlinesView Deadlines { get; init; }
    /// <summary>The deadlines in force at each severity (low, medium, high, critical).</summary>
    public required IReadOnlyDictionary<string, SlaDeadlinesView> Severities { get; init; }

    public static SlaPolicyView From(SlaPolicy p) => new()
    {
        FacilityId = p.FacilityId, Version = p.Version, Source = p.Source, RegulatoryProfile = p.RegulatoryProfile,
        CreatedAt = p.CreatedAt, CreatedBy = p.CreatedBy, Deadlines = SlaDeadlinesView.From(p.Deadlines),
        Severities = Wire.Values<Severity>().ToDictionary(s => s.ToWire(), s => SlaDeadlinesView.From(p.For(s)), StringComparer.Ordinal),
    };
}

public static class SlaPolicyApi
{
    public static readonly IReadOnlyList<StaffRole> EditorRoles = [StaffRole.Admin, StaffRole.PatientRelations];

    public static RouteGroupBuilder MapSlaPolicyApi(this RouteGroupBuilder api)
    {
        const string path = "/facilities/{facilityId}/sla-policy";
        api.MapGet(path, GetAsync).WithName("GetSlaPolicy").ProducesProblem(StatusCodes.Status403Forbidden).WithTags("SLA policies")
            .RequireAuthorization(AuthenticationExtensions.StaffPolicy)
            .WithSummary("The facility's current SLA policy, or ?version=N an older one (0: its regulatory profile's default). The ETag carries the version.");
        api.MapPut(path, PutAsync).WithName("PutSlaPolicy").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed).WithTags("SLA policies")
            .RequireAuthorization(p => p.RequireRole(EditorRoles.ToClaims()))
            .WithSummary("Sets a new version of the facility's SLA policy (the same policy again changes nothing); cases keep the version they opened under. If-Match is optional (the version you read).");
        return api;
    }

    internal static async Task<Results<Ok<SlaPolicyView>, NotFound, ValidationProblem, ProblemHttpResult>> GetAsync(
        string facilityId, ClaimsPrincipal user, DirectoryStore directory, SlaPolicies policies, HttpContext http, CancellationToken ct, int? version = null)
    {
        if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        if (version is < 0) return ProblemResults.Validation(new Dictionary<string, string[]> { ["version"] = ["Must be 0 or more."] });
        if (await directory.GetAsync(facilityId, ct) is null) return TypedResults.NotFound();
        var policy = version is { } n ? await policies.FindVersionAsync(facilityId, n, ct) : await policies.CurrentAsync(facilityId, ct);
        if (policy is null) return TypedResults.NotFound();
        EntityTags.Set(http, policy.Version);
        return TypedResults.Ok(SlaPolicyView.From(policy));
    }

    internal static async Task<Results<Ok<SlaPolicyView>, NotFound, ValidationProblem, ProblemHttpResult>> PutAsync(
        string facilityId, SlaPolicyRequest body, ClaimsPrincipal user, DirectoryStore directory, SlaPolicyStore store, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        if (await directory.GetAsync(facilityId, ct) is null) return TypedResults.NotFound();

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (SlaPolicyParser.Parse(body, errors) is not { } draft || errors.Count > 0) return ProblemResults.Validation(errors);

        var revision = await SlaPolicyVersioning.ReviseAsync(store, facilityId, ifMatch, draft, clock, user.PersonId(), ct);
        if (revision.InForce is { } policy)
        {
            EntityTags.Set(http, policy.Version);
            return TypedResults.Ok(SlaPolicyView.From(policy.ToPolicy()));
        }

        return revision is SlaPolicyRevision.Stale
            ? EntityTags.Stale()
            : EntityTags.Conflict("The policy is being changed by others at the same time; retry. Nothing was changed.");
    }
}
