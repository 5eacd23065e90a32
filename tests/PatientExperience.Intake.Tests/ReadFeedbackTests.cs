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
        var entry = Assert.Single(audit);
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
        var entry = Assert.Single(await app.Services.GetRequiredService<IntakeAuditLog>().ForSubjectAsync(id, Ct));
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
        var entry = Assert.Single(await app.Services.GetRequiredService<IntakeAuditLog>().ForSubjectAsync(id, Ct));
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
