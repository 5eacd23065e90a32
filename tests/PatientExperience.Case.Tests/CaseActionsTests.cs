using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Audit;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Case.Tests;

/// <summary>Staff actions over HTTP: lifecycle rules, If-Match, role and facility checks, the events each action publishes.</summary>
public sealed class CaseActionsTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(Guid Id, long Version)> OpenAsync(FeedbackSubmitted? submitted = null)
    {
        var stored = await app.OpenCaseAsync(submitted ?? Samples.Feedback());
        return (stored.Document.Id, stored.Version);
    }

    private static async Task<HttpResponseMessage> ActAsync(HttpClient client, Guid id, string action, long? version, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{id}/{action}") { Content = JsonContent.Create(body ?? new { }) };
        if (version is { } v) request.Headers.TryAddWithoutValidation("If-Match", $"\"{v}\"");
        return await client.SendAsync(request, Ct);
    }

    private static async Task<CaseView> OkAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync<CaseView>(Ct))!;
    }

    private HttpClient Staff => app.ClientFor("patient-relations", Samples.Riverside);

    [Fact]
    public async Task A_case_goes_from_new_to_closed_through_staff_actions_and_each_step_is_in_its_timeline()
    {
        // A complaint by phone with no response requested: not a grievance, so no letter is required to resolve.
        var (id, v) = await OpenAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false });

        var acknowledged = await OkAsync(await ActAsync(Staff, id, "acknowledge", v, new { note = "Called the family back." }));
        Assert.Equal(CaseStatus.Acknowledged.ToWire(), acknowledged.Status);
        Assert.NotNull(acknowledged.AcknowledgedAt);

        var assigned = await OkAsync(await ActAsync(Staff, id, "assign", acknowledged.Version, new { assigneeId = "advocate-17", departmentId = "emergency" }));
        Assert.Equal(CaseStatus.Investigating.ToWire(), assigned.Status);
        Assert.Equal("advocate-17", assigned.AssigneeId);

        var tasked = await OkAsync(await ActAsync(Staff, id, "tasks", assigned.Version, new { departmentId = "emergency", description = "Review triage log", dueAt = DateTimeOffset.UtcNow.AddDays(3) }));
        var resolved = await OkAsync(await ActAsync(Staff, id, "resolve", tasked.Version));
        Assert.Equal(CaseStatus.Resolved.ToWire(), resolved.Status);
        var closed = await OkAsync(await ActAsync(Staff, id, "close", resolved.Version));
        Assert.Equal(CaseStatus.Closed.ToWire(), closed.Status);

        Assert.Equal(["opened", "acknowledged", "note-added", "assigned", "task-added", "resolved", "closed"],
            closed.History.Select(h => h.Action).Where(a => a != "classified"));
        Assert.All(closed.History.Where(h => h.Action is not ("opened" or "classified")), h => Assert.Equal("test-patient-relations", h.Actor));

        await app.PublishedAsync<CaseAcknowledged>(e => e.CaseId == id && e.AcknowledgedBy == "test-patient-relations");
        await app.PublishedAsync<CaseAssigned>(e => e.CaseId == id && e.AssigneeId == "advocate-17");
        await app.PublishedAsync<CaseResolved>(e => e.CaseId == id);
        await app.PublishedAsync<CaseClosed>(e => e.CaseId == id);
    }

    [Fact]
    public async Task Every_action_needs_if_match_and_a_stale_one_is_refused_without_a_change()
    {
        var (id, v) = await OpenAsync();

        var missing = await ActAsync(Staff, id, "acknowledge", null);
        Assert.Equal((HttpStatusCode)428, missing.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await ActAsync(Staff, id, "notes", v, new { text = "first" })).StatusCode);
        var stale = await ActAsync(Staff, id, "notes", v, new { text = "second, from a stale screen" });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);

        var current = await app.Cases.GetAsync(id, Ct);
        Assert.Equal(v + 1, current!.Version);
        Assert.Single(current.Document.Notes);
    }

    [Fact]
    public async Task Concurrent_actions_from_the_same_version_never_lose_an_update()
    {
        var (id, v) = await OpenAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => ActAsync(app.ClientFor("advocate", Samples.Riverside), id, "notes", v, new { text = $"note {i}" })));

        var succeeded = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(1, succeeded);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        Assert.Single((await app.Cases.GetAsync(id, Ct))!.Document.Notes);
    }

    [Fact]
    public async Task A_grievance_cannot_be_resolved_without_a_complete_final_response_letter()
    {
        var (id, v) = await OpenAsync(Samples.Feedback(channel: "letter"));
        var opened = (await app.Cases.GetAsync(id, Ct))!.Document;
        Assert.Equal("grievance", opened.Classification.ToWire());

        var early = await ActAsync(Staff, id, "resolve", v);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early.StatusCode);

        var incomplete = await ActAsync(Staff, id, "letters", v, new { kind = "final", contactName = "Dana Whitfield, Patient Relations", results = "Staff retrained" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, incomplete.StatusCode);
        var problem = await incomplete.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(["stepsTaken", "completionDate"], problem.GetProperty("missing").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(v, (await app.Cases.GetAsync(id, Ct))!.Version);

        var letter = await OkAsync(await ActAsync(Staff, id, "letters", v, new
        {
            kind = "final", contactName = "Dana Whitfield, Patient Relations, 555-0100", stepsTaken = "Interviewed the triage nurse; reviewed the log",
            results = "Triage delays confirmed; staffing changed", completionDate = "2026-11-20",
        }));
        Assert.Equal(CaseStatus.ResponseSent.ToWire(), letter.Status);
        await app.PublishedAsync<ResponseLetterIssued>(e => e.CaseId == id && e.Kind.ToWire() == "final");

        var resolved = await OkAsync(await ActAsync(Staff, id, "resolve", letter.Version));
        Assert.Equal(CaseStatus.Resolved.ToWire(), resolved.Status);
    }

    [Fact]
    public async Task Reading_a_case_shows_its_notes_and_letters_decrypted_and_audits_the_read_while_the_store_holds_them_encrypted()
    {
        var (id, v) = await OpenAsync();
        await OkAsync(await ActAsync(Staff, id, "notes", v, new { text = "Spoke with the daughter Marisol Ebbington" }));

        var detail = await Staff.GetFromJsonAsync<CaseView>($"/api/v1/cases/{id}", Ct);
        Assert.Equal("Spoke with the daughter Marisol Ebbington", Assert.Single(detail!.Notes!).Text);
        Assert.DoesNotContain("Marisol", JsonSerializer.Serialize((await app.Cases.GetAsync(id, Ct))!.Document));
        Assert.Contains(await app.Services.GetRequiredService<CaseAuditLog>().ForSubjectAsync(id, Ct), e => e.Action == "case.read" && e.Actor == "test-patient-relations");
    }

    [Fact]
    public async Task Reopening_a_resolved_case_and_manual_escalation_publish_their_events()
    {
        var (id, v) = await OpenAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false });
        var escalate = await OkAsync(await ActAsync(Staff, id, "escalate", v, new { reason = "Family called the CEO's office" }));
        await app.PublishedAsync<CaseEscalationRequested>(e => e.CaseId == id && e.RequestedBy == "test-patient-relations");

        var resolved = await OkAsync(await ActAsync(Staff, id, "resolve", escalate.Version));
        Assert.Equal(HttpStatusCode.Conflict, (await ActAsync(Staff, id, "acknowledge", resolved.Version)).StatusCode);
        var reopened = await OkAsync(await ActAsync(Staff, id, "reopen", resolved.Version, new { reason = "New information from the family" }));
        Assert.Equal(CaseStatus.Reopened.ToWire(), reopened.Status);
        await app.PublishedAsync<CaseReopened>(e => e.CaseId == id);
    }

    [Fact]
    public async Task Staff_reasons_are_encrypted_in_the_store_shown_to_staff_and_withheld_from_analysts_with_the_rest_of_the_text()
    {
        var (id, v) = await OpenAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false });
        var noted = await OkAsync(await ActAsync(Staff, id, "notes", v, new { text = "Spoke with Mr Quillfeather's son" }));
        await OkAsync(await ActAsync(Staff, id, "escalate", noted.Version, new { reason = "Mr Quillfeather's son called the CEO" }));

        var detail = (await Staff.GetFromJsonAsync<CaseView>($"/api/v1/cases/{id}", Ct))!;
        Assert.Equal("Mr Quillfeather's son called the CEO", Assert.Single(detail.History, h => h.Action == "escalation-requested").Reason);
        Assert.DoesNotContain("Quillfeather", JsonSerializer.Serialize((await app.Cases.GetAsync(id, Ct))!.Document));

        // The worklist carries no reasons; an analyst sees the case de-identified: no text at all, and reads no PHI.
        var row = (await Staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases?facilityId={Samples.Riverside}&pageSize=100", Ct))
            .GetProperty("items").EnumerateArray().Single(c => c.GetProperty("caseId").GetGuid() == id);
        Assert.DoesNotContain("Quillfeather", row.GetRawText(), StringComparison.Ordinal);
        var analystsAudited = (await app.Services.GetRequiredService<CaseAuditLog>().ForSubjectAsync(id, Ct)).Count(e => e.Actor == "test-analyst");
        var analysts = await app.ClientFor("analyst", Samples.Riverside).GetAsync($"/api/v1/cases/{id}", Ct);
        Assert.Equal(HttpStatusCode.OK, analysts.StatusCode);
        var body = await analysts.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("Quillfeather", body, StringComparison.Ordinal);
        var deidentified = JsonSerializer.Deserialize<CaseView>(body, JsonSerializerOptions.Web)!;
        Assert.Null(deidentified.Notes);
        Assert.Contains(deidentified.History, h => h.Action == "escalation-requested" && h.Reason is null);
        Assert.Equal(analystsAudited, (await app.Services.GetRequiredService<CaseAuditLog>().ForSubjectAsync(id, Ct)).Count(e => e.Actor == "test-analyst"));
    }

    [Fact]
    public async Task Every_change_staff_make_and_every_refused_one_is_in_the_audit_chain()
    {
        var (id, v) = await OpenAsync();
        var noted = await OkAsync(await ActAsync(Staff, id, "notes", v, new { text = "Called the family back" }));
        Assert.Equal(HttpStatusCode.NotFound, (await ActAsync(app.ClientFor("patient-relations", Samples.Mesa), id, "acknowledge", noted.Version)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(app.ClientFor("analyst", Samples.Riverside), id, "notes", noted.Version, new { text = "x" })).StatusCode);

        var entries = await app.Services.GetRequiredService<CaseAuditLog>().ForSubjectAsync(id, Ct);

        Assert.Contains(entries, e => (e.Action, e.Outcome, e.Actor) == ("case.add-note", AuditOutcome.Allowed, "test-patient-relations"));
        Assert.Contains(entries, e => (e.Action, e.Outcome, e.Actor) == ("case.acknowledge", AuditOutcome.Denied, "test-patient-relations"));
        Assert.Contains(entries, e => (e.Action, e.Outcome, e.Actor) == ("case.add-note", AuditOutcome.Denied, "test-analyst"));
        Assert.True((await app.Services.GetRequiredService<CaseAuditLog>().VerifyAsync(Ct)).Valid);
    }

    [Fact]
    public async Task Staff_reclassify_and_the_change_is_kept_in_the_history()
    {
        var (id, v) = await OpenAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false });
        var changed = await OkAsync(await ActAsync(Staff, id, "classification", v, new { type = "grievance", severity = "critical", reason = "Allegation of neglect on the phone call" }));
        Assert.Equal(("grievance", "critical"), (changed.Classification, changed.Severity));
        Assert.Contains(changed.History, h => h.Action == "reclassified" && h.Detail!.Contains("severity medium -> critical", StringComparison.Ordinal));

        var invalid = await ActAsync(Staff, id, "classification", changed.Version, new { severity = "apocalyptic", reason = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("severity", (await invalid.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct))!.Errors.Keys);
    }

    [Fact]
    public async Task Actions_are_refused_for_another_facility_and_for_roles_that_may_not_take_them()
    {
        var (id, v) = await OpenAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await ActAsync(app.ClientFor("patient-relations", Samples.Mesa), id, "acknowledge", v)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(app.ClientFor("analyst", Samples.Riverside), id, "acknowledge", v)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(app.ClientFor("unit-manager", Samples.Riverside), id, "resolve", v)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ActAsync(app.CreateClient(), id, "acknowledge", v)).StatusCode);
        Assert.Equal(v, (await app.Cases.GetAsync(id, Ct))!.Version);
    }

    [Fact]
    public async Task Invalid_bodies_get_400_problems_that_name_the_field()
    {
        var (id, v) = await OpenAsync();
        var cases = new (string Action, object Body, string Field)[]
        {
            ("notes", new { text = "" }, "text"),
            ("tasks", new { departmentId = "emergency", description = "x", dueAt = DateTimeOffset.UtcNow.AddDays(-1) }, "dueAt"),
            ("tasks", new { description = "x", dueAt = DateTimeOffset.UtcNow.AddDays(1) }, "departmentId"),
            ("assign", new { }, "assigneeId"),
            ("escalate", new { reason = "" }, "reason"),
            ("letters", new { kind = "postcard" }, "kind"),
        };
        foreach (var (action, body, field) in cases)
        {
            var response = await ActAsync(Staff, id, action, v, body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{action}: {(int)response.StatusCode}");
            Assert.Contains(field, (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct))!.Errors.Keys);
        }

        Assert.Equal(v, (await app.Cases.GetAsync(id, Ct))!.Version);
    }
}
