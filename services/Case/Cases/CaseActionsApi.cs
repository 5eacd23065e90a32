using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Cases;

public sealed record AcknowledgeRequest(string? Note);
/// <param name="Strategy"><c>balanced</c>: the advocate matching chooses (language, capacity, leave, caseload), instead of <paramref name="AssigneeId"/>.</param>
public sealed record AssignRequest(string? AssigneeId, string? DepartmentId, string? Strategy = null);
public sealed record NoteRequest(string? Text);
/// <param name="AssigneeId">The person in the department who owns the task; absent, the department owns it.</param>
public sealed record TaskRequest(string? DepartmentId, string? Description, DateTimeOffset? DueAt, string? AssigneeId = null);
public sealed record CompleteTaskRequest(string? Note);
public sealed record CancelTaskRequest(string? Reason);
public sealed record EscalateRequest(string? Reason);
public sealed record LetterRequest(string? Kind, string? ContactName, string? StepsTaken, string? Results, DateOnly? CompletionDate, string? Body);
public sealed record ReopenRequest(string? Reason);
public sealed record ReclassifyRequest(string? Type, string? Severity, string? Category, string? DepartmentId, string? Reason);

/// <summary>
/// Staff actions on a case. Each takes <c>If-Match</c> with the version the caller last saw (the ETag of the case): a missing
/// one is 428, a stale one 412, so no update is ever lost. The actor is the token's subject; the caller's facilities and role
/// are checked here, in the service. A refused action changes nothing.
/// </summary>
public static class CaseActionsApi
{
    public static string ETagFor(long version) => IfMatch.ETagFor(version);

    public static RouteGroupBuilder MapCaseActionsApi(this RouteGroupBuilder api)
    {
        var cases = api.MapGroup("/cases/{id:guid}").WithTags("Case actions").RequireAuthorization(AuthenticationExtensions.StaffPolicy);

        cases.MapPost("/acknowledge", (Guid id, AcknowledgeRequest? body, ActionContext a) =>
                a.RunAsync(id, CaseActionRoles.Acknowledge, (c, actor, now) => Task.FromResult(c.Acknowledge(actor, body?.Note, a.Text.For(c).Protect, now))))
            .Describe("AcknowledgeCase").WithSummary("Acknowledge the case: stops the acknowledgement clock at its escalation level.");

        cases.MapPost("/assign", (Guid id, AssignRequest body, ActionContext a) =>
                a.RunAsync(id, CaseActionRoles.Assign, async (c, actor, now) => body.Strategy is null
                    ? c.Assign(actor, body.AssigneeId, body.DepartmentId, await a.RecipientsForAsync(c, body.AssigneeId), now)
                    : await Advocacy.BalancedAssignment.AssignAsync(a, c, actor, body, now)))
            .Describe("AssignCase").WithSummary("Assign the case to an advocate and/or a department, or with {\"strategy\":\"balanced\"} to the advocate matching chooses (the reason goes in the timeline).");

        cases.MapPost("/notes", (Guid id, NoteRequest body, ActionContext a) =>
                a.RunAsync(id, CaseActionRoles.AddNote, (c, actor, now) => Task.FromResult(c.AddNote(actor, body.Text, a.Text.For(c).Protect, now))))
            .Describe("AddCaseNote").WithSummary("Add a note to the case (kept encrypted; reading it is audited).");

        cases.MapPost("/tasks", (Guid id, TaskRequest body, ActionContext a) =>
                a.RunAsync(id, CaseActionRoles.AddTask, (c, actor, now) =>
                    Task.FromResult(c.AddTask(actor, body.DepartmentId, body.Description, body.DueAt, a.Text.For(c).Protect, now, body.AssigneeId))))
            .Describe("AddCaseTask").WithSummary("Give a department (and optionally one person in it) a task on the case, with a due date.");

        cases.MapPost("/tasks/{taskId:guid}/complete", (Guid id, Guid taskId, CompleteTaskRequest body, ActionContext a) =>
                a.RunAsync(id, CaseActionRoles.CompleteTask, (c, actor, now) => Task.FromResult(c.CompleteTask(actor, taskId, body.Note, a.Text.For(c).Protect, now))))
            .Describe("CompleteCaseTask").WithSummary("Complete an open task of an open case, with an optional note (kept encrypted; reading it is audited).");

        cases.MapPost("/tasks/{taskId:guid}/cancel", (Guid id, Guid taskId, CancelTaskRequest body, ActionContext a) =>
                a.RunAsync(id, CaseActionRoles.CancelTask, (c, actor, now) => Task.FromResult(c.CancelTask(actor, taskId, body.Reason, a.Text.For(c).Protect, now))))
            .Describe("CancelCaseTask").WithSummary("Cancel an open task of an open case, with a reason kept in the case's history.");

        cases.MapPost("/escalate", (Guid id, EscalateRequest body, ActionContext a) =>
                a.RunAsync(id, CaseActionRoles.Escalate, (c, actor, now) => Task.FromResult(c.RequestEscalation(actor, body.Reason, a.Text.For(c).Protect, now))))
            .Describe("EscalateCase").WithSummary("Escalate the case one level now, as a missed deadline would.");

        cases.MapPost("/confirm-critical", (Guid id, ActionContext a) =>
                a.RunAsync(id, CaseActionRoles.ConfirmCritical, (c, actor, now) => Task.FromResult(c.ConfirmCritical(actor, now))))
            .Describe("ConfirmCriticalCase")
            .WithSummary("Confirm a critical case from an anonymous channel after triage: the executive level is told (and paged) at once, reason critical-severity. Patient relations, compliance and admins; 409 unless the case awaits triage.");

        cases.MapPost("/letters", (Guid id, LetterRequest body, ActionContext a) =>
                a.RunAsync(id, CaseActionRoles.RecordLetter, (c, actor, now) => Task.FromResult(c.RecordLetter(actor,
                    new ResponseLetterDraft(body.Kind, body.ContactName, body.StepsTaken, body.Results, body.CompletionDate, body.Body), a.Text.For(c).Protect, now))))
            .Describe("RecordResponseLetter")
            .WithSummary("Record an interim notice or the final response letter. A final letter must name the contact person, the steps taken, the results and the completion date (422 names what is missing).");

        cases.MapPost("/resolve", (Guid id, ActionContext a) => a.RunAsync(id, CaseActionRoles.Resolve, (c, actor, now) => Task.FromResult(c.Resolve(actor, now))))
            .Describe("ResolveCase").WithSummary("Resolve the case: ends its escalation. A grievance needs its final response letter first (422).");

        cases.MapPost("/close", (Guid id, ActionContext a) => a.RunAsync(id, CaseActionRoles.Close, (c, actor, now) => Task.FromResult(c.Close(actor, now))))
            .Describe("CloseCase").WithSummary("Close a resolved case.");

        cases.MapPost("/reopen", (Guid id, ReopenRequest body, ActionContext a) =>
                a.RunAsync(id, CaseActionRoles.Reopen, (c, actor, now) => Task.FromResult(c.Reopen(actor, body.Reason, a.Text.For(c).Protect, now))))
            .Describe("ReopenCase").WithSummary("Reopen a resolved or closed case: escalation starts again at the unit level.");

        cases.MapPost("/classification", (Guid id, ReclassifyRequest body, ActionContext a) =>
                a.RunAsync(id, CaseActionRoles.Reclassify, (c, actor, now) =>
                    Task.FromResult(c.Reclassify(actor, body.Type, body.Severity, body.Category, body.DepartmentId, body.Reason, a.Text.For(c).Protect, now))))
            .Describe("ReclassifyCase").WithSummary("Change the case's type, severity, category or owning department, with a reason kept in its history.");

        return api;
    }

    /// <summary>Every action answers the same set of outcomes; OpenAPI lists them all.</summary>
    private static RouteHandlerBuilder Describe(this RouteHandlerBuilder endpoint, string name) => endpoint
        .WithName(name)
        .Produces<CaseView>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}

/// <summary>What every case action needs, bound once per request.</summary>
public sealed class ActionContext(HttpContext http, CaseStore cases, CaseTextReader text, TimeProvider clock, IServiceProvider services)
{
    public CaseTextReader Text => text;

    public IServiceProvider Services => services;

    public CancellationToken Aborted => http.RequestAborted;

    public static ValueTask<ActionContext?> BindAsync(HttpContext http) =>
        ValueTask.FromResult<ActionContext?>(ActivatorUtilities.CreateInstance<ActionContext>(http.RequestServices, http));

    /// <summary>The assignee as a recipient, when the directory knows them.</summary>
    public async Task<IReadOnlyList<StaffRecipient>> RecipientsForAsync(CaseFile c, string? assigneeId)
    {
        if (assigneeId is null || services.GetService<IStaffLookup>() is not { } staff) return [];
        return await staff.FindAsync(c.FacilityId, assigneeId, http.RequestAborted) is { } person ? [person] : [];
    }

    public async Task<IResult> RunAsync(Guid id, StaffRole[] roles, Func<CaseFile, string, DateTimeOffset, Task<CaseActionResult>> action)
    {
        var ct = http.RequestAborted;
        var user = http.User;
        var stored = await cases.GetAsync(id, ct);
        if (stored is null) return TypedResults.NotFound();
        var audited = AuditAction();
        if (!user.CanAccessFacility(stored.Document.FacilityId))
        {
            await text.RecordRefusedChangeAsync(user, audited, stored.Document, ct);
            return TypedResults.NotFound();
        }

        if (!CaseActionRoles.Allows(roles, user.IsInRole))
        {
            await text.RecordRefusedChangeAsync(user, audited, stored.Document, ct);
            return ProblemResults.Forbidden("Your role does not allow this action on a case.");
        }

        var ifMatch = IfMatch.Read(http.Request);
        if (!ifMatch.IsPresent)
            return TypedResults.Problem("Send If-Match with the case's ETag (its version) so a concurrent change is never overwritten.", statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match required.");
        if (ifMatch.Version is not { } expected || expected != stored.Version)
            return TypedResults.Problem($"The case has changed since version {ifMatch.Raw}; it is now at {CaseActionsApi.ETagFor(stored.Version)}. Read it again and retry.", statusCode: StatusCodes.Status412PreconditionFailed, title: "The case has changed.");

        var actor = user.PersonId() ?? "unknown";
        var now = clock.GetUtcNow();
        var result = await action(stored.Document, actor, now);
        if (result.InvalidField is { } invalid)
            return ProblemResults.Validation(new Dictionary<string, string[]> { [ToCamel(invalid.Field)] = [invalid.Message] });
        if (result.MissingElements is { } missing)
            return TypedResults.Problem(result.MissingDetail ?? "The response letter lacks required elements: " + string.Join(", ", missing) + ".",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Required elements are missing.",
                extensions: new Dictionary<string, object?> { ["missing"] = missing });
        if (result.NotFoundReason is { } notFound)
            return TypedResults.Problem(notFound, statusCode: StatusCodes.Status404NotFound, title: "Not found.");
        if (result.ConflictReason is { } conflict)
            return TypedResults.Problem(conflict, statusCode: StatusCodes.Status409Conflict, title: "Not possible in the case's current state.");

        Stored<CaseFile> saved;
        try
        {
            saved = await cases.SaveAsync(stored.Document, expected, result.Events, now, ct);
        }
        catch (ConcurrencyConflictException)
        {
            return TypedResults.Problem("The case changed while this action was applied. Read it again and retry.", statusCode: StatusCodes.Status412PreconditionFailed, title: "The case has changed.");
        }

        // Every change of a case (its text included) is in the audit chain, like every read.
        await text.RecordChangeAsync(user, audited, saved.Document, ct);
        http.Response.Headers.ETag = CaseActionsApi.ETagFor(saved.Version);
        return TypedResults.Ok(CaseView.From(saved));
    }

    /// <summary>The audit action of this request: <c>case.</c> and the endpoint's name in kebab case (<c>AddCaseNote</c> -> <c>case.add-note</c>).</summary>
    private string AuditAction()
    {
        var name = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "change";
        var words = System.Text.RegularExpressions.Regex.Split(name.Replace("Case", "", StringComparison.Ordinal), "(?<!^)(?=[A-Z])")
            .Select(w => w.ToLowerInvariant()).Where(w => w.Length > 0);
        return "case." + string.Join('-', words);
    }

    private static string ToCamel(string field) => field.Length == 0 ? field : char.ToLowerInvariant(field[0]) + field[1..];
}
