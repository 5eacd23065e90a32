using System.Net;
using System.Net.Http.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Case;
using PatientExperience.Intake.Audit;
using PatientExperience.Intake.Feedback;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Intake.Tests;

public sealed class ReadFeedbackTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Guid> SubmitAsync()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(), Ct);
        return (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;
    }

    [Fact]
    public async Task A_submissions_creation_is_in_the_audit_chain_with_its_channel_address_and_correlation_id_and_no_phi()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(Samples.Complaint()) };
        request.Headers.Add("X-Forwarded-For", "203.0.113.77");
        request.Headers.Add("X-Correlation-Id", "corr-create-1");
        request.Headers.Add(FeedbackApi.IdempotencyKeyHeader, $"audit-{Guid.NewGuid()}");
        var id = (await (await app.CreateClient().SendAsync(request, Ct)).Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;
        // A retry with the same key creates nothing, so it adds no entry.
        using var retry = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(Samples.Complaint()) };
        retry.Headers.Add(FeedbackApi.IdempotencyKeyHeader, request.Headers.GetValues(FeedbackApi.IdempotencyKeyHeader).Single());
        Assert.Equal(HttpStatusCode.Accepted, (await app.CreateClient().SendAsync(retry, Ct)).StatusCode);

        var log = app.Services.GetRequiredService<IntakeAuditLog>();
        var entry = Assert.Single(await log.ForSubjectAsync(id, Ct));
        Assert.Equal((FeedbackApi.CreateAction, AuditOutcome.Allowed, "anonymous via web"), (entry.Action, entry.Outcome, entry.Actor));
        Assert.Equal((IntakeAuditLog.SubmissionKind, "riverside-general", "203.0.113.77", "corr-create-1"), (entry.SubjectKind, entry.FacilityId, entry.ClientAddress, entry.CorrelationId));
        Assert.Empty(entry.Roles);
        var stored = System.Text.Json.JsonSerializer.Serialize(entry);
        foreach (var phi in new[] { Samples.PatientName, Samples.Mrn, Samples.Email, Samples.Phone, Samples.StoryMarker, "Ada Quartermaine" })
            Assert.DoesNotContain(phi, stored, StringComparison.Ordinal);
        Assert.True((await log.VerifyAsync(Ct)).Valid);
    }

    [Fact]
    public async Task A_submission_logged_by_staff_is_audited_as_theirs()
    {
        var response = await app.ClientFor("patient-relations", "riverside-general").PostAsJsonAsync("/api/v1/feedback", Samples.Complaint() with { Channel = "phone" }, Ct);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;

        var entry = Assert.Single(await app.Services.GetRequiredService<IntakeAuditLog>().ForSubjectAsync(id, Ct));
        Assert.Equal((FeedbackApi.CreateAction, "test-patient-relations"), (entry.Action, entry.Actor));
        Assert.Contains("patient-relations", entry.Roles);
    }

    [Fact]
    public async Task Reading_a_submission_needs_a_staff_token()
    {
        var id = await SubmitAsync();
        var response = await app.CreateClient().GetAsync($"/api/v1/feedback/{id}", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Staff_of_the_facility_read_the_submission_and_the_read_is_audited()
    {
        var id = await SubmitAsync();

        var view = await app.ClientFor("advocate", "riverside-general").GetFromJsonAsync<SubmissionView>($"/api/v1/feedback/{id}", Ct);

        Assert.NotNull(view);
        Assert.Equal(Submission.Received, view.Status);
        Assert.Null(view.CaseId);
        Assert.Contains(Samples.StoryMarker, view.Description);
        Assert.Equal(Samples.Mrn, view.Patient?.Mrn);
        var audit = await app.Services.GetRequiredService<IntakeAuditLog>().ForSubjectAsync(id, Ct);
        var entry = Assert.Single(audit, e => e.Action != FeedbackApi.CreateAction);
        Assert.Equal("test-advocate", entry.Actor);
        Assert.Equal("feedback.read", entry.Action);
        Assert.Equal("riverside-general", entry.FacilityId);
    }

    [Fact]
    public async Task Staff_of_another_facility_get_404_and_the_refused_read_is_audited_as_denied()
    {
        var id = await SubmitAsync();

        var response = await app.ClientFor("advocate", "mesa-valley").GetAsync($"/api/v1/feedback/{id}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var entry = Assert.Single(await app.Services.GetRequiredService<IntakeAuditLog>().ForSubjectAsync(id, Ct), e => e.Action != FeedbackApi.CreateAction);
        Assert.Equal(AuditOutcome.Denied, entry.Outcome);
        Assert.Equal("test-advocate", entry.Actor);
        Assert.Equal("riverside-general", entry.FacilityId);
    }

    [Fact]
    public async Task An_analyst_of_the_facility_is_refused_the_patients_words_and_details_and_the_refusal_is_audited()
    {
        var id = await SubmitAsync();

        var response = await app.ClientFor("analyst", "riverside-general").GetAsync($"/api/v1/feedback/{id}", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(Samples.StoryMarker, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var entry = Assert.Single(await app.Services.GetRequiredService<IntakeAuditLog>().ForSubjectAsync(id, Ct), e => e.Action != FeedbackApi.CreateAction);
        Assert.Equal((AuditOutcome.Denied, "test-analyst"), (entry.Outcome, entry.Actor));
    }

    [Fact]
    public async Task A_token_without_a_platform_role_is_forbidden()
    {
        var id = await SubmitAsync();
        var response = await app.ClientFor("visitor", "*").GetAsync($"/api/v1/feedback/{id}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Once_a_case_is_opened_the_submission_shows_it_and_redelivery_changes_nothing()
    {
        var id = await SubmitAsync();
        var caseId = Guid.NewGuid();
        var opened = new CaseOpened
        {
            CaseId = caseId, CaseNumber = "PX-TEST", SubmissionId = id, FacilityId = "riverside-general", Channel = FeedbackChannel.Web, Status = CaseStatus.New, OpenedAt = DateTimeOffset.UtcNow,
        };

        await app.Harness.Bus.Publish(opened, Ct);
        await app.Harness.Bus.Publish(opened, Ct);
        var store = app.Services.GetRequiredService<SubmissionStore>();
        await Eventually.UntilAsync(() => Task.FromResult(app.Harness.Consumed.Select<CaseOpened>(Ct).Count(m => m.Context.Message.SubmissionId == id) == 2), "both deliveries to be consumed");

        var stored = await store.GetAsync(id, Ct);
        Assert.Equal(caseId, stored!.Document.CaseId);
        Assert.Equal(2, stored.Version); // the second delivery wrote nothing

        var view = await app.ClientFor("patient-relations", "*").GetFromJsonAsync<SubmissionView>($"/api/v1/feedback/{id}", Ct);
        Assert.Equal(Submission.CaseOpened, view!.Status);
        Assert.Equal(caseId, view.CaseId);
    }
}
