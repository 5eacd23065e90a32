using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tasks;

/// <summary>A department task on the worklist: ids, owner, status and dates; the description is read on the case (audited).</summary>
/// <param name="Status">open, done or cancelled.</param>
/// <param name="CaseStatus">The case's status: the tasks of a resolved or closed case cannot change.</param>
/// <param name="Overdue">Open, its case being worked, and past its due date.</param>
public sealed record TaskWorklistItem(
    Guid TaskId, Guid CaseId, string CaseNumber, string FacilityId, string DepartmentId, string? AssigneeId, string Status, DateTimeOffset DueAt,
    bool Overdue, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ClosedAt, string? ClosedBy, string CaseStatus,
    DateTimeOffset? ReminderSentAt, DateTimeOffset? OverdueNoticeSentAt)
{
    public static TaskWorklistItem From(DepartmentTask t, DateTimeOffset now) => new(
        t.Id, t.CaseId, t.CaseNumber, t.FacilityId, t.DepartmentId, t.AssigneeId, t.Status.ToWire(), t.DueAt, t.IsOverdueAt(now),
        t.CreatedAt, t.CreatedBy, t.ClosedAt, t.ClosedBy, t.CaseStatus.ToWire(), t.ReminderSentAt, t.OverdueNoticeSentAt);
}

public static class TasksApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapTasksApi(this RouteGroupBuilder api)
    {
        api.MapGet("/tasks", ListAsync).WithTags("Department tasks").RequireAuthorization(AuthenticationExtensions.StaffPolicy)
            .WithName("ListDepartmentTasks")
            .WithSummary("A department's worklist across cases: tasks in the caller's facilities, by assignee (me or a person id), department, facility, status and overdue; soonest due first.");
        return api;
    }

    internal static async Task<Results<Ok<PagedResponse<TaskWorklistItem>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, DepartmentTaskStore tasks, TimeProvider clock, CancellationToken ct,
        string? assignee = null, string? departmentId = null, string? facilityId = null, string? status = null, bool? overdue = null,
        int page = 1, int pageSize = 25)
    {
        if (!CaseActionRoles.Allows(CaseActionRoles.ReadTasks, user.IsInRole)) return ProblemResults.Forbidden("Your role does not allow reading department tasks.");
        var errors = new Dictionary<string, string[]>();
        Paging.Validate(errors, page, pageSize, DocumentQuery.MaxPageNumber, MaxPageSize);
        CaseTaskStatus? statusFilter = null;
        if (status is not null)
        {
            if (Wire.TryParse<CaseTaskStatus>(status, out var parsed)) statusFilter = parsed;
            else errors["status"] = ["Must be one of: " + string.Join(", ", Wire.All<CaseTaskStatus>()) + "."];
        }

        if (overdue == true && statusFilter is { } s && s != CaseTaskStatus.Open) errors["overdue"] = ["Only open tasks are overdue; leave out status or use status=open."];
        var assigneeId = assignee == "me" ? user.PersonId() : assignee;
        if (assignee is not null && string.IsNullOrWhiteSpace(assigneeId)) errors["assignee"] = ["Must be me or a person id."];
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
        var filter = new TaskFilter(facilities, departmentId, assigneeId, statusFilter, overdue == true ? now : null);
        var result = await tasks.ListAsync(filter, page, pageSize, ct);
        return TypedResults.Ok(new PagedResponse<TaskWorklistItem>(
            result.Items.Select(i => TaskWorklistItem.From(i.Document, now)).ToList(), result.PageNumber, result.PageSize, result.Total));
    }
}
