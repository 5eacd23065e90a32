using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Case.Organisation;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Advocacy;

/// <summary><c>{"mode":"auto"|"manual"}</c>.</summary>
public sealed record AssignmentPolicyRequest(string? Mode);

/// <summary>A facility's assignment policy; version 0 is the default (manual) while none is set. The ETag carries the version.</summary>
public sealed record AssignmentPolicyView(string FacilityId, string Mode, long Version, IReadOnlyList<AssignmentPolicyChangeView> Changes);

public sealed record AssignmentPolicyChangeView(string Mode, DateTimeOffset At, string By);

public static class AssignmentPolicyApi
{
    public static readonly IReadOnlyList<StaffRole> EditorRoles = [StaffRole.Admin, StaffRole.PatientRelations];

    public static RouteGroupBuilder MapAssignmentPolicyApi(this RouteGroupBuilder api)
    {
        const string path = "/facilities/{facilityId}/assignment-policy";
        api.MapGet(path, GetAsync).WithName("GetAssignmentPolicy").ProducesProblem(StatusCodes.Status403Forbidden).WithTags("Advocacy")
            .RequireAuthorization(AuthenticationExtensions.StaffPolicy)
            .WithSummary("How the facility's new cases find their advocate: auto (matched at opening) or manual (the default). The ETag carries the version.");
        api.MapPut(path, PutAsync).WithName("PutAssignmentPolicy").WithTags("Advocacy")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .RequireAuthorization(p => p.RequireRole(EditorRoles.ToClaims()))
            .WithSummary("Sets the facility's assignment mode; who and when are kept. If-Match is optional (the version you read).");
        return api;
    }

    private static AssignmentPolicyView View(AssignmentPolicy p, long version) =>
        new(p.FacilityId, p.Mode.ToWire(), version, p.Changes.Select(c => new AssignmentPolicyChangeView(c.Mode.ToWire(), c.At, c.By)).ToList());

    internal static async Task<Results<Ok<AssignmentPolicyView>, NotFound, ProblemHttpResult>> GetAsync(
        string facilityId, ClaimsPrincipal user, DirectoryStore directory, AssignmentPolicyStore policies, HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        if (await directory.GetAsync(facilityId, ct) is null) return TypedResults.NotFound();
        var stored = await policies.GetAsync(facilityId, ct);
        var version = stored?.Version ?? 0;
        EntityTags.Set(http, version);
        return TypedResults.Ok(View(stored?.Document ?? AssignmentPolicy.Default(facilityId), version));
    }

    internal static async Task<Results<Ok<AssignmentPolicyView>, NotFound, ValidationProblem, ProblemHttpResult>> PutAsync(
        string facilityId, AssignmentPolicyRequest body, ClaimsPrincipal user, DirectoryStore directory, AssignmentPolicyStore policies,
        TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        if (!EntityTags.TryReadIfMatch(http.Request, out var ifMatch)) return EntityTags.InvalidIfMatch();
        if (!Wire.TryParse<AssignmentMode>(body.Mode, out var mode))
            return ProblemResults.Validation(new Dictionary<string, string[]> { ["mode"] = ["Must be one of: " + string.Join(", ", Wire.All<AssignmentMode>()) + "."] });
        if (await directory.GetAsync(facilityId, ct) is null) return TypedResults.NotFound();

        var stored = await policies.GetAsync(facilityId, ct);
        var version = stored?.Version ?? 0;
        if (ifMatch is { } expected && expected != version) return EntityTags.Stale();
        var current = stored?.Document ?? AssignmentPolicy.Default(facilityId);
        if (current.Set(mode, user.PersonId() ?? "unknown", clock.GetUtcNow()) is not { } changed)
        {
            EntityTags.Set(http, version);
            return TypedResults.Ok(View(current, version));
        }

        try
        {
            var saved = await policies.SaveAsync(changed, version, ct);
            EntityTags.Set(http, saved.Version);
            return TypedResults.Ok(View(saved.Document, saved.Version));
        }
        catch (ConcurrencyConflictException)
        {
            return EntityTags.Stale();
        }
    }
}
