using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Audit;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Tests;

/// <summary>Completing and cancelling department tasks over HTTP: If-Match, roles, facility scope, protected notes.</summary>
public sealed class CaseTasksApiTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Staff => app.ClientFor("patient-relations", Samples.Riverside);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, long? version, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (version is { } v) request.Headers.TryAddWithoutValidation("If-Match", $"\"{v}\"");
        return await client.SendAsync(request, Ct);
    }

    private static async Task<CaseView> OkAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync<CaseView>(Ct))!;
    }

    /// <summary>A case with one task for the emergency department, owned by <c>dr-ortiz</c>.</summary>
    private async Task<(Guid CaseId, Guid TaskId, long Version)> CaseWithTaskAsync()
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false });
        var id = stored.Document.Id;
        var tasked = await OkAsync(await PostAsync(Staff, $"/api/v1/cases/{id}/tasks", stored.Version,
            new { departmentId = "emergency", assigneeId = "dr-ortiz", description = "Review the triage log", dueAt = DateTimeOffset.UtcNow.AddDays(3) }));
        var task = (await app.Cases.GetAsync(id, Ct))!.Document.Tasks.Single();
        return (id, task.Id, tasked.Version);
    }

    [Fact]
    public async Task A_department_head_completes_a_task_and_the_case_shows_it_done_with_its_note_decrypted_and_the_read_audited()
    {
        var (id, taskId, v) = await CaseWithTaskAsync();

        var done = await PostAsync(app.ClientFor("department-head", Samples.Riverside), $"/api/v1/cases/{id}/tasks/{taskId}/complete", v,
            new { note = "Reviewed with nurse Halvorsen-Quint" });
        var completed = await OkAsync(done);
        Assert.Equal($"\"{completed.Version}\"", done.Headers.ETag?.Tag);
        Assert.Contains(completed.History, h => h.Action == "task-completed");

        var detail = await Staff.GetFromJsonAsync<CaseView>($"/api/v1/cases/{id}", Ct);
        var task = Assert.Single(detail!.Tasks!);
        Assert.Equal(("done", "dr-ortiz", "test-department-head"), (task.Status, task.AssigneeId, task.ClosedBy));
        Assert.Equal("Reviewed with nurse Halvorsen-Quint", task.CompletionNote);
        Assert.NotNull(task.ClosedAt);
        Assert.DoesNotContain("Halvorsen", JsonSerializer.Serialize((await app.Cases.GetAsync(id, Ct))!.Document));
        Assert.DoesNotContain("Halvorsen", JsonSerializer.Serialize(completed.History));
        Assert.Contains(await app.Services.GetRequiredService<CaseAuditLog>().ForSubjectAsync(id, Ct), e => e.Action == "case.read" && e.Actor == "test-patient-relations");
    }

    [Fact]
    public async Task Cancelling_needs_a_reason_and_a_cancelled_task_cannot_be_completed()
    {
        var (id, taskId, v) = await CaseWithTaskAsync();

        var noReason = await PostAsync(Staff, $"/api/v1/cases/{id}/tasks/{taskId}/cancel", v, new { reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("reason", (await noReason.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct))!.Errors.Keys);
        Assert.Equal(v, (await app.Cases.GetAsync(id, Ct))!.Version);

        var cancelled = await OkAsync(await PostAsync(Staff, $"/api/v1/cases/{id}/tasks/{taskId}/cancel", v, new { reason = "Raised with the wrong department" }));
        Assert.Contains(cancelled.History, h => h.Action == "task-cancelled");

        var again = await PostAsync(Staff, $"/api/v1/cases/{id}/tasks/{taskId}/complete", cancelled.Version, new { note = "done anyway" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(cancelled.Version, (await app.Cases.GetAsync(id, Ct))!.Version);
    }

    [Fact]
    public async Task Task_actions_need_if_match_and_a_stale_version_changes_nothing()
    {
        var (id, taskId, v) = await CaseWithTaskAsync();

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await PostAsync(Staff, $"/api/v1/cases/{id}/tasks/{taskId}/complete", null, new { })).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await PostAsync(Staff, $"/api/v1/cases/{id}/tasks/{taskId}/complete", v - 1, new { })).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await PostAsync(Staff, $"/api/v1/cases/{id}/tasks/{taskId}/cancel", v - 1, new { reason = "x" })).StatusCode);

        var stored = (await app.Cases.GetAsync(id, Ct))!;
        Assert.Equal(v, stored.Version);
        Assert.Equal(CaseTaskStatus.Open, stored.Document.Tasks[0].Status);
    }

    [Fact]
    public async Task Other_facilities_roles_that_may_not_act_and_unknown_tasks_are_refused_without_a_change()
    {
        var (id, taskId, v) = await CaseWithTaskAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(app.ClientFor("patient-relations", Samples.Mesa), $"/api/v1/cases/{id}/tasks/{taskId}/complete", v, new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(app.ClientFor("analyst", Samples.Riverside), $"/api/v1/cases/{id}/tasks/{taskId}/complete", v, new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(app.ClientFor("unit-manager", Samples.Riverside), $"/api/v1/cases/{id}/tasks/{taskId}/cancel", v, new { reason = "Not ours" })).StatusCode);
        var unknown = await PostAsync(Staff, $"/api/v1/cases/{id}/tasks/{Guid.NewGuid()}/complete", v, new { });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        var stored = (await app.Cases.GetAsync(id, Ct))!;
        Assert.Equal(v, stored.Version);
        Assert.Equal(CaseTaskStatus.Open, stored.Document.Tasks[0].Status);
    }
}
