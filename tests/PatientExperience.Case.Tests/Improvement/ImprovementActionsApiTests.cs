using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Audit;
using PatientExperience.Case.Improvement;
using PatientExperience.Contracts.Case;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests.Improvement;

/// <summary>Improvement actions over HTTP: proposing (checks, idempotency, events, text protected), the lifecycle with If-Match, filters, scope and roles.</summary>
public sealed class ImprovementActionsApiTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Staff => app.ClientFor("patient-relations", Samples.Riverside);

    private static object Body(string department = "emergency", string owner = "rg-emergency-head", string theme = "wait-times", Guid[]? cases = null, int dueInDays = 30,
        string title = "Triage wait under 30 minutes for Mrs Abernathy-Kowalczyk's ward") => new
    {
        facilityId = Samples.Riverside, departmentId = department, title, theme, linkedCaseIds = cases ?? [], linkedSignalId = "sig-ed-adult-2026w10",
        ownerId = owner, dueDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(dueInDays)), measure = "Median triage wait below 30 minutes for 4 weeks",
    };

    private async Task<ImprovementActionView> ProposeAsync(object body, HttpClient? client = null)
    {
        var response = await (client ?? Staff).PostAsJsonAsync("/api/v1/improvement-actions", body, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync<ImprovementActionView>(Ct))!;
    }

    private async Task<HttpResponseMessage> MoveAsync(Guid id, long? version, object body, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/improvement-actions/{id}/status") { Content = JsonContent.Create(body) };
        if (version is { } v) request.Headers.TryAddWithoutValidation("If-Match", $"\"{v}\"");
        return await (client ?? Staff).SendAsync(request, Ct);
    }

    private async Task<long> CountAsync() =>
        await app.Services.GetRequiredKeyedService<IDocumentStore>(CaseModule.ServiceName).Collection<object>(ImprovementActionStore.Definition).CountAsync(Ct);

    [Fact]
    public async Task Proposing_stores_the_action_with_its_text_encrypted_publishes_ids_only_and_audits_the_read()
    {
        var linked = (await app.OpenCaseAsync(Samples.Feedback())).Document.Id;
        var created = await ProposeAsync(Body(cases: [linked]));

        Assert.Equal(("proposed", "Triage wait under 30 minutes for Mrs Abernathy-Kowalczyk's ward", "test-patient-relations"), (created.Status, created.Title, created.CreatedBy));
        Assert.Equal([linked], created.LinkedCaseIds);
        var proposed = await app.PublishedAsync<ImprovementActionProposed>(e => e.ActionId == created.Id);
        Assert.Equal(("emergency", "wait-times", "rg-emergency-head", "sig-ed-adult-2026w10"), (proposed.DepartmentId, proposed.Theme, proposed.OwnerId, proposed.LinkedSignalId));
        Assert.DoesNotContain("Abernathy", JsonSerializer.Serialize(proposed));
        var stored = (await app.Services.GetRequiredService<ImprovementActionStore>().GetAsync(created.Id, Ct))!;
        Assert.DoesNotContain("Abernathy", JsonSerializer.Serialize(stored.Document));
        Assert.DoesNotContain("triage wait", JsonSerializer.Serialize(stored.Document), StringComparison.OrdinalIgnoreCase);

        var read = await app.ClientFor("analyst", Samples.Riverside).GetAsync($"/api/v1/improvement-actions/{created.Id}", Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal($"\"{stored.Version}\"", read.Headers.ETag?.Tag);
        Assert.Equal("Median triage wait below 30 minutes for 4 weeks", (await read.Content.ReadFromJsonAsync<ImprovementActionView>(Ct))!.Measure);
        Assert.Contains(await app.Services.GetRequiredService<CaseAuditLog>().ForSubjectAsync(created.Id, Ct),
            e => e.Action == ImprovementActionsApi.ReadAction && e.Actor == "test-analyst");
    }

    [Fact]
    public async Task The_lifecycle_needs_if_match_moves_one_step_at_a_time_and_verifying_needs_evidence()
    {
        var a = await ProposeAsync(Body(department: "surgery", owner: "rg-surgery-head", theme: "communication"));

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await MoveAsync(a.Id, null, new { status = "in-progress" })).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await MoveAsync(a.Id, a.Version + 1, new { status = "in-progress" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await MoveAsync(a.Id, a.Version, new { status = "done" })).StatusCode);
        var unknown = await MoveAsync(a.Id, a.Version, new { status = "finished" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("status", (await unknown.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct))!.Errors.Keys);

        var head = app.ClientFor("department-head", Samples.Riverside);
        var version = a.Version;
        foreach (var status in new[] { "in-progress", "done" })
        {
            var moved = await MoveAsync(a.Id, version, new { status }, head);
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            version = (await moved.Content.ReadFromJsonAsync<ImprovementActionView>(Ct))!.Version;
        }

        var noEvidence = await MoveAsync(a.Id, version, new { status = "verified" });
        Assert.Equal(HttpStatusCode.BadRequest, noEvidence.StatusCode);
        Assert.Contains("evidence", (await noEvidence.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct))!.Errors.Keys);
        var verified = await MoveAsync(a.Id, version, new { status = "verified", evidence = "Complaints about explanations fell from 9 to 2 a month" });
        var view = (await verified.Content.ReadFromJsonAsync<ImprovementActionView>(Ct))!;
        Assert.Equal(("verified", "Complaints about explanations fell from 9 to 2 a month"), (view.Status, view.Evidence));
        Assert.Equal([null, "proposed", "in-progress", "done"], view.History.Select(h => h.From));

        await Eventually.UntilAsync(() => app.PublishedSoFar<ImprovementActionStatusChanged>().Count(e => e.ActionId == a.Id) == 3, "three status changes published");
        Assert.Equal([1, 2, 3], app.PublishedSoFar<ImprovementActionStatusChanged>().Where(e => e.ActionId == a.Id).Select(e => e.Sequence).Order());
        Assert.DoesNotContain("explanations", JsonSerializer.Serialize(app.PublishedSoFar<ImprovementActionStatusChanged>()));
    }

    [Fact]
    public async Task Bad_proposals_name_the_field_and_store_nothing()
    {
        var otherFacilityCase = (await app.OpenCaseAsync(Samples.At(Samples.Mesa))).Document.Id;
        var before = await CountAsync();
        foreach (var (body, field) in new (object, string)[]
        {
            (Body(department: "cardiology"), "departmentId"),
            (Body(owner: "nobody-here"), "ownerId"),
            (Body(cases: [otherFacilityCase]), "linkedCaseIds[0]"),
            (Body(theme: "parking"), "theme"),
            (Body(dueInDays: -2), "dueDate"),
            (Body(title: ""), "title"),
        })
        {
            var response = await Staff.PostAsJsonAsync("/api/v1/improvement-actions", body, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(field, (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct))!.Errors.Keys);
        }

        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Scope_roles_filters_and_the_idempotency_key()
    {
        var mine = await ProposeAsync(Body(department: "billing", owner: "rg-billing-head", theme: "billing"), app.ClientFor("department-head", Samples.Riverside));
        var analyst = app.ClientFor("analyst", Samples.Riverside);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsJsonAsync("/api/v1/improvement-actions", Body(), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await MoveAsync(mine.Id, mine.Version, new { status = "in-progress" }, analyst)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("patient-relations", Samples.Mesa).PostAsJsonAsync("/api/v1/improvement-actions", Body(), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor("patient-relations", Samples.Mesa).GetAsync($"/api/v1/improvement-actions/{mine.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await MoveAsync(mine.Id, mine.Version, new { status = "in-progress" }, app.ClientFor("patient-relations", Samples.Mesa))).StatusCode);
        Assert.Empty((await app.ClientFor("patient-relations", Samples.Mesa).GetFromJsonAsync<PagedResponse<ImprovementActionView>>("/api/v1/improvement-actions?theme=billing", Ct))!.Items);

        var billing = await analyst.GetFromJsonAsync<PagedResponse<ImprovementActionView>>("/api/v1/improvement-actions?departmentId=billing&status=proposed&theme=billing", Ct);
        Assert.Contains(billing!.Items, i => i.Id == mine.Id);
        Assert.All(billing.Items, i => Assert.Equal(("billing", "proposed"), (i.DepartmentId, i.Status)));
        Assert.Contains((await analyst.GetFromJsonAsync<PagedResponse<ImprovementActionView>>("/api/v1/improvement-actions?owner=rg-billing-head", Ct))!.Items, i => i.Id == mine.Id);
        Assert.DoesNotContain((await analyst.GetFromJsonAsync<PagedResponse<ImprovementActionView>>("/api/v1/improvement-actions?overdue=true", Ct))!.Items, i => i.Id == mine.Id);
        Assert.Equal(HttpStatusCode.BadRequest, (await analyst.GetAsync("/api/v1/improvement-actions?status=verified&overdue=true", Ct)).StatusCode);

        var key = Guid.NewGuid().ToString();
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/improvement-actions") { Content = JsonContent.Create(Body(theme: "food")) };
            request.Headers.Add("Idempotency-Key", key);
            responses.Add(await Staff.SendAsync(request, Ct));
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.OK], responses.Select(r => r.StatusCode));
        var ids = new List<Guid>();
        foreach (var r in responses) ids.Add((await r.Content.ReadFromJsonAsync<ImprovementActionView>(Ct))!.Id);
        Assert.Single(ids.Distinct());
    }
}
