using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Case.Audit;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Improvement;

public sealed record ProposeImprovementActionRequest(
    string? FacilityId, string? DepartmentId, string? Title, string? Theme, IReadOnlyList<Guid>? LinkedCaseIds, string? LinkedSignalId,
    string? OwnerId, DateOnly? DueDate, string? Measure);

/// <param name="Status">in-progress, done or verified: the one step after the current status.</param>
/// <param name="Evidence">Required to verify: how the measure was met (kept encrypted).</param>
public sealed record ImprovementActionStatusRequest(string? Status, string? Evidence);

/// <param name="Status">proposed, in-progress, done or verified.</param>
/// <param name="Overdue">Open (proposed or in progress) and past the end of its due date.</param>
public sealed record ImprovementActionView(
    Guid Id, string FacilityId, string DepartmentId, string Title, string Theme, IReadOnlyList<Guid> LinkedCaseIds, string? LinkedSignalId,
    string OwnerId, DateOnly DueDate, string? Measure, string Status, string? Evidence, bool Overdue, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? OverdueNoticeSentAt, IReadOnlyList<ImprovementActionChangeView> History, long Version);

/// <param name="From">null for the proposal.</param>
public sealed record ImprovementActionChangeView(DateTimeOffset At, string Actor, string? From, string To);

/// <summary>
/// Improvement actions over HTTP. Every read of their text (title, measure, evidence) is audited; every change takes
/// <c>If-Match</c>; other facilities' actions are 404; bad input is a problem response that changes nothing.
/// </summary>
public static class ImprovementActionsApi
{
    public const int MaxPageSize = 100;
    public const string ReadAction = "improvement-action.read";
    public const string SubjectKind = "improvement-action";

    public static RouteGroupBuilder MapImprovementActionsApi(this RouteGroupBuilder api)
    {
        var actions = api.MapGroup("/improvement-actions").WithTags("Improvement actions").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        actions.MapPost("", ProposeAsync).WithName("ProposeImprovementAction")
            .WithSummary("Propose an improvement action for a department: title, theme (a complaint category), owner, due date, measure, linked cases and signal. Accepts Idempotency-Key.");
        actions.MapGet("/{id:guid}", GetAsync).WithName("GetImprovementAction")
            .WithSummary("One improvement action with its history; the ETag carries its version; the read of its text is audited.");
        actions.MapGet("", ListAsync).WithName("ListImprovementActions")
            .WithSummary("Improvement actions in the caller's facilities, by facility, department, status, owner (me or a person id), theme and overdue; soonest due first.");
        actions.MapPost("/{id:guid}/status", MoveAsync).WithName("ChangeImprovementActionStatus")
            .WithSummary("Move an improvement action one step: proposed -> in-progress -> done -> verified (verifying needs evidence). Needs If-Match.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        return api;
    }

    internal static async Task<Results<Created<ImprovementActionView>, Ok<ImprovementActionView>, ValidationProblem, ProblemHttpResult>> ProposeAsync(
        ProposeImprovementActionRequest body, ClaimsPrincipal user, HttpContext http, ImprovementActionStore store, ImprovementActionChecks checks,
        CasePhiProtector phi, CaseAuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        if (!Allows(ImprovementActionRoles.Write, user)) return ProblemResults.Forbidden("Your role does not allow proposing improvement actions.");
        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var now = clock.GetUtcNow();
        var draft = new ImprovementActionDraft(body.FacilityId, body.DepartmentId, body.Title, body.Theme, body.LinkedCaseIds, body.LinkedSignalId, body.OwnerId, body.DueDate, body.Measure);
        var (action, errors) = ImprovementAction.Propose(draft, user.PersonId() ?? "unknown", string.IsNullOrWhiteSpace(key) ? null : key, id => phi.ProtectFor(ImprovementAction.RecordOf(id)), now);
        if (action is null) return ProblemResults.Validation(errors);
        if (!user.CanAccessFacility(action.FacilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        if (action.IdempotencyKey is { } k && await store.FindByIdempotencyKeyAsync(k, ct) is { } earlier) return await RepeatAsync(earlier);
        if (await checks.CheckAsync(action, ct) is { Count: > 0 } invalid) return ProblemResults.Validation(invalid);

        Stored<ImprovementAction> stored;
        try
        {
            stored = await store.InsertAsync(action, ct);
        }
        catch (DuplicateDocumentException) when (action.IdempotencyKey is not null)
        {
            // The same key, written at the same moment by a concurrent retry: answer with the one that won.
            return await RepeatAsync((await store.FindByIdempotencyKeyAsync(action.IdempotencyKey, ct))!);
        }

        http.Response.Headers.ETag = IfMatch.ETagFor(stored.Version);
        return TypedResults.Created($"/api/v1/improvement-actions/{action.Id}", await ViewAsync(stored, user, phi, audit, now, ct));

        async Task<Results<Created<ImprovementActionView>, Ok<ImprovementActionView>, ValidationProblem, ProblemHttpResult>> RepeatAsync(Stored<ImprovementAction> existing)
        {
            if (!user.CanAccessFacility(existing.Document.FacilityId) || existing.Document.CreatedBy != (user.PersonId() ?? "unknown"))
                return TypedResults.Problem("The Idempotency-Key was used for another request.", statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused.");
            http.Response.Headers.ETag = IfMatch.ETagFor(existing.Version);
            return TypedResults.Ok(await ViewAsync(existing, user, phi, audit, now, ct));
        }
    }

    internal static async Task<Results<Ok<ImprovementActionView>, NotFound, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, ImprovementActionStore store, CasePhiProtector phi, CaseAuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        if (!Allows(ImprovementActionRoles.Read, user)) return ProblemResults.Forbidden("Your role does not allow reading improvement actions.");
        var stored = await store.GetAsync(id, ct);
        if (stored is null || !user.CanAccessFacility(stored.Document.FacilityId)) return TypedResults.NotFound();
        http.Response.Headers.ETag = IfMatch.ETagFor(stored.Version);
        return TypedResults.Ok(await ViewAsync(stored, user, phi, audit, clock.GetUtcNow(), ct));
    }

    internal static async Task<Results<Ok<PagedResponse<ImprovementActionView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, ImprovementActionStore store, CasePhiProtector phi, CaseAuditLog audit, TimeProvider clock, CancellationToken ct,
        string? facilityId = null, string? departmentId = null, string? status = null, string? owner = null, string? theme = null, bool? overdue = null,
        int page = 1, int pageSize = 25)
    {
        if (!Allows(ImprovementActionRoles.Read, user)) return ProblemResults.Forbidden("Your role does not allow reading improvement actions.");
        var errors = new Dictionary<string, string[]>();
        Paging.Validate(errors, page, pageSize, DocumentQuery.MaxPageNumber, MaxPageSize);
        ImprovementActionStatus? statusFilter = null;
        if (status is not null)
        {
            if (Wire.TryParse<ImprovementActionStatus>(status, out var parsed)) statusFilter = parsed;
            else errors["status"] = ["Must be one of: " + string.Join(", ", Wire.All<ImprovementActionStatus>()) + "."];
        }

        if (overdue == true && statusFilter is { } s && !ImprovementAction.OpenStatuses.Contains(s)) errors["overdue"] = ["Only proposed or in-progress actions are overdue."];
        if (theme is not null && !Classification.CaseClassifier.Categories.Contains(theme)) errors["theme"] = ["Must be one of: " + string.Join(", ", Classification.CaseClassifier.Categories) + "."];
        var ownerId = owner == "me" ? user.PersonId() : owner;
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

        var now = clock.GetUtcNow();
        var result = await store.ListAsync(new ImprovementActionFilter(facilities, departmentId, statusFilter, ownerId, theme, overdue == true ? now : null), page, pageSize, ct);
        var items = new List<ImprovementActionView>();
        foreach (var item in result.Items) items.Add(await ViewAsync(item, user, phi, audit, now, ct));
        return TypedResults.Ok(new PagedResponse<ImprovementActionView>(items, result.PageNumber, result.PageSize, result.Total));
    }

    internal static async Task<Results<Ok<ImprovementActionView>, NotFound, ValidationProblem, ProblemHttpResult>> MoveAsync(
        Guid id, ImprovementActionStatusRequest body, ClaimsPrincipal user, HttpContext http, ImprovementActionStore store, CasePhiProtector phi,
        CaseAuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var stored = await store.GetAsync(id, ct);
        if (stored is null || !user.CanAccessFacility(stored.Document.FacilityId)) return TypedResults.NotFound();
        if (!Allows(ImprovementActionRoles.Write, user)) return ProblemResults.Forbidden("Your role does not allow changing improvement actions.");
        if (!Wire.TryParse<ImprovementActionStatus>(body.Status, out var to))
            return ProblemResults.Validation(new Dictionary<string, string[]> { ["status"] = ["Must be one of: " + string.Join(", ", Wire.All<ImprovementActionStatus>()) + "."] });

        var ifMatch = IfMatch.Read(http.Request);
        if (!ifMatch.IsPresent)
            return TypedResults.Problem("Send If-Match with the action's ETag (its version) so a concurrent change is never overwritten.", statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required.");
        if (ifMatch.Version is not { } expected || expected != stored.Version)
            return TypedResults.Problem($"The action has changed since version {ifMatch.Raw}; it is now at {IfMatch.ETagFor(stored.Version)}. Read it again and retry.", statusCode: StatusCodes.Status412PreconditionFailed, title: "The action has changed.");

        var now = clock.GetUtcNow();
        var outcome = stored.Document.MoveTo(to, body.Evidence, user.PersonId() ?? "unknown", phi.ProtectFor(ImprovementAction.RecordOf(id)), now);
        if (outcome.InvalidField is { } invalid) return ProblemResults.Validation(new Dictionary<string, string[]> { [invalid.Field] = [invalid.Message] });
        if (outcome.ConflictReason is { } conflict) return TypedResults.Problem(conflict, statusCode: StatusCodes.Status409Conflict, title: "Not possible in the action's current status.");

        Stored<ImprovementAction> saved;
        try
        {
            saved = await store.SaveAsync(stored.Document, expected, [outcome.Event!], now, ct);
        }
        catch (ConcurrencyConflictException)
        {
            return TypedResults.Problem("The action changed while this change was applied. Read it again and retry.", statusCode: StatusCodes.Status412PreconditionFailed, title: "The action has changed.");
        }

        http.Response.Headers.ETag = IfMatch.ETagFor(saved.Version);
        return TypedResults.Ok(await ViewAsync(saved, user, phi, audit, now, ct));
    }

    private static bool Allows(StaffRole[] roles, ClaimsPrincipal user) => CaseActionRoles.Allows(roles, user.IsInRole);

    /// <summary>The action with its text decrypted, after recording the read.</summary>
    private static async Task<ImprovementActionView> ViewAsync(Stored<ImprovementAction> stored, ClaimsPrincipal user, CasePhiProtector phi, CaseAuditLog audit, DateTimeOffset now, CancellationToken ct)
    {
        var a = stored.Document;
        var record = ImprovementAction.RecordOf(a.Id);
        await audit.RecordAsync(user, ReadAction, a.Id, a.FacilityId, ct, SubjectKind);
        return new ImprovementActionView(
            a.Id, a.FacilityId, a.DepartmentId, phi.Unprotect(a.ProtectedTitle, record), a.Theme, a.LinkedCaseIds, a.LinkedSignalId, a.OwnerId, a.DueDate,
            a.ProtectedMeasure is null ? null : phi.Unprotect(a.ProtectedMeasure, record), a.Status.ToWire(),
            a.ProtectedEvidence is null ? null : phi.Unprotect(a.ProtectedEvidence, record), a.IsOverdueAt(now), a.CreatedAt, a.CreatedBy, a.OverdueNoticeSentAt,
            a.History.Select(h => new ImprovementActionChangeView(h.At, h.Actor, h.From.ToWire(), h.To.ToWire())).ToList(), stored.Version);
    }
}
