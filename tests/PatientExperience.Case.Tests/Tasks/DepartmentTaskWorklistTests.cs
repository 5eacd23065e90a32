using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Tasks;
using PatientExperience.Contracts.Case;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests.Tasks;

/// <summary>
/// The department task worklist (<c>GET /api/v1/tasks</c>) across cases: filters, "me", scope, roles, problems, and the read
/// model staying right under duplicate and stale events. Each test uses its own assignee or department, so tests sharing the
/// app do not see each other's tasks.
/// </summary>
public sealed class DepartmentTaskWorklistTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Staff => app.ClientFor("patient-relations", Samples.Riverside);

    private static string NewPerson() => $"person-{Guid.NewGuid():N}"[..20];

    private HttpClient ClientAs(string subject, string role, params string[] facilities)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = CaseApp.SigningKey }, subject, role, facilities, DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        return client;
    }

    private static async Task<long> ActAsync(HttpClient client, Guid caseId, string path, long version, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{caseId}/{path}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        var response = await client.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return long.Parse(response.Headers.ETag!.Tag.Trim('"'));
    }

    /// <summary>A new case at Riverside with one task for <paramref name="department"/>; returns the case, its version and the task id.</summary>
    private async Task<(Guid CaseId, long Version, Guid TaskId)> TaskAsync(string department, string? assignee, TimeSpan dueIn, string description = "Pull the triage log for bay 4")
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false });
        var version = await ActAsync(Staff, stored.Document.Id, "tasks", stored.Version,
            new { departmentId = department, assigneeId = assignee, description, dueAt = DateTimeOffset.UtcNow.Add(dueIn) });
        var task = (await app.Cases.GetAsync(stored.Document.Id, Ct))!.Document.Tasks.Last();
        return (stored.Document.Id, version, task.Id);
    }

    private async Task<PagedResponse<TaskWorklistItem>> WorklistAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/v1/tasks?{query}", Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync<PagedResponse<TaskWorklistItem>>(Ct))!;
    }

    private async Task<PagedResponse<TaskWorklistItem>> WorklistUntilAsync(HttpClient client, string query, Func<PagedResponse<TaskWorklistItem>, bool> condition, string because)
    {
        PagedResponse<TaskWorklistItem>? page = null;
        await Eventually.UntilAsync(async () => condition(page = await WorklistAsync(client, query)), because);
        return page!;
    }

    [Fact]
    public async Task A_departments_worklist_lists_its_tasks_across_cases_soonest_due_first_without_their_text()
    {
        var later = await TaskAsync("maternity", null, TimeSpan.FromDays(5), description: "Call the midwife lead, Ms Okonkwo-Reyes");
        var sooner = await TaskAsync("maternity", "rg-labor-delivery-manager", TimeSpan.FromDays(2));

        var page = await WorklistUntilAsync(Staff, "departmentId=maternity", p => p.Total == 2, "both maternity tasks on the worklist");

        Assert.Equal([sooner.TaskId, later.TaskId], page.Items.Select(i => i.TaskId));
        Assert.Equal([sooner.CaseId, later.CaseId], page.Items.Select(i => i.CaseId));
        Assert.All(page.Items, i => Assert.Equal(("open", Samples.Riverside, "maternity", false), (i.Status, i.FacilityId, i.DepartmentId, i.Overdue)));
        Assert.Equal("rg-labor-delivery-manager", page.Items[0].AssigneeId);
        Assert.StartsWith("PX-", page.Items[0].CaseNumber);
        var json = await (await Staff.GetAsync("/api/v1/tasks?departmentId=maternity", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("Okonkwo", json);
        Assert.DoesNotContain("triage", json);
    }

    [Fact]
    public async Task Assignee_me_is_the_callers_own_tasks_and_status_filters_them()
    {
        var me = NewPerson();
        var first = await TaskAsync("surgery", me, TimeSpan.FromDays(3));
        var second = await TaskAsync("surgery", me, TimeSpan.FromDays(4));
        await TaskAsync("surgery", NewPerson(), TimeSpan.FromDays(1));
        var mine = ClientAs(me, "unit-manager", Samples.Riverside);
        await WorklistUntilAsync(mine, "assignee=me", p => p.Total == 2, "my two tasks");

        await ActAsync(mine, first.CaseId, $"tasks/{first.TaskId}/complete", first.Version, new { note = "Done with the charge nurse" });

        var done = await WorklistUntilAsync(mine, "assignee=me&status=done", p => p.Total == 1, "the completed task listed as done");
        Assert.Equal((first.TaskId, me), (done.Items[0].TaskId, done.Items[0].ClosedBy));
        var open = await WorklistAsync(mine, "assignee=me&status=open");
        Assert.Equal([second.TaskId], open.Items.Select(i => i.TaskId));
        Assert.Equal(open.Items.Select(i => i.TaskId), (await WorklistAsync(Staff, $"assignee={me}&status=open")).Items.Select(i => i.TaskId));
        Assert.Empty((await WorklistAsync(mine, "assignee=me&overdue=true")).Items);
    }

    [Fact]
    public async Task Other_facilities_roles_that_may_not_read_and_bad_filters_are_refused()
    {
        var person = NewPerson();
        await TaskAsync("billing", person, TimeSpan.FromDays(2));
        await WorklistUntilAsync(Staff, $"assignee={person}", p => p.Total == 1, "the task on Riverside's worklist");

        Assert.Empty((await WorklistAsync(app.ClientFor("patient-relations", Samples.Mesa), $"assignee={person}")).Items);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("patient-relations", Samples.Mesa).GetAsync($"/api/v1/tasks?facilityId={Samples.Riverside}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("analyst", Samples.Riverside).GetAsync("/api/v1/tasks", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/v1/tasks", Ct)).StatusCode);

        foreach (var (query, field) in new[] { ("status=finished", "status"), ("status=done&overdue=true", "overdue"), ("pageSize=0", "pageSize"), ("page=0", "page") })
        {
            var response = await Staff.GetAsync($"/api/v1/tasks?{query}", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(field, (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct))!.Errors.Keys);
        }
    }

    [Fact]
    public async Task Duplicate_and_stale_task_events_leave_one_row_with_the_cases_latest_state()
    {
        var person = NewPerson();
        var (caseId, version, taskId) = await TaskAsync("medicine", person, TimeSpan.FromDays(2));
        var assigned = await app.PublishedAsync<CaseTaskAssigned>(e => e.TaskId == taskId);
        Assert.Equal(("medicine", person, caseId), (assigned.DepartmentId, assigned.AssigneeId, assigned.CaseId));
        await ActAsync(Staff, caseId, $"tasks/{taskId}/cancel", version, new { reason = "Raised with the wrong department" });
        await WorklistUntilAsync(Staff, $"assignee={person}&status=cancelled", p => p.Total == 1, "the task listed as cancelled");

        // The assignment again, after the cancellation, three times: a stale, duplicated event.
        for (var i = 0; i < 3; i++) await app.Harness.Bus.Publish(assigned, Ct);
        await Eventually.UntilAsync(() => CaseApp.Snapshot<CaseTaskAssigned>(app.Harness.Consumed).Count(e => e.TaskId == taskId) >= 4, "the stale events consumed");

        var rows = await WorklistAsync(Staff, $"assignee={person}");
        var row = Assert.Single(rows.Items);
        Assert.Equal(("cancelled", taskId), (row.Status, row.TaskId));
        Assert.Equal((await app.Cases.GetAsync(caseId, Ct))!.Version, (await app.Services.GetRequiredService<DepartmentTaskStore>().GetAsync(taskId, Ct))!.Document.CaseVersion);
    }
}
