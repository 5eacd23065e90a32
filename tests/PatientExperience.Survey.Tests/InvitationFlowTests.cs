using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;
using PatientExperience.Survey.Invitations;
using PatientExperience.Survey.Outreach;
using PatientExperience.Survey.Policy;

namespace PatientExperience.Survey.Tests;

/// <summary>
/// Discharge in, invitation after the delay, reminders, the patient's answer, scores out: through the real consumers, store,
/// outbox, durable scheduler (on a fake clock) and public HTTP API.
/// </summary>
public sealed class InvitationFlowTests : IAsyncLifetime
{
    private readonly SurveyApp _app = SurveyApp.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_discharge_leads_to_an_invitation_after_the_delay_then_a_reminder_then_a_scored_answer()
    {
        var discharge = Samples.Discharge(_app.Clock.GetUtcNow()) with { Language = "es-MX" };
        var planned = await _app.DischargeAsync(discharge);
        Assert.Equal(InvitationStatus.Scheduled, planned.Status);
        Assert.Equal(discharge.DischargedAt.AddHours(48), planned.Steps[0].DueAt);
        Assert.Equal([0, 1, 2], planned.Steps.Select(s => s.Number));
        Assert.Empty(_app.SentFor(discharge.DischargeId));

        // Nothing before the delay.
        _app.Clock.Advance(TimeSpan.FromHours(46));
        Assert.Empty(_app.SentFor(discharge.DischargeId));

        var invitation = await _app.AdvanceUntilSentAsync(discharge.DischargeId, 0, TimeSpan.FromHours(2));
        Assert.Equal("es", invitation.Language);
        Assert.Equal(SurveyApp.FacilityA, invitation.FacilityId);
        Assert.Equal(planned.Steps[0].DueAt + TimeSpan.FromDays(42), invitation.ExpiresAt);
        var issued = await _app.PublishedAsync<SurveyInvitationIssued>(i => i.DischargeId == discharge.DischargeId, "SurveyInvitationIssued");
        Assert.Equal("inpatient-experience", issued.SurveyId);

        var reminder = await _app.AdvanceUntilSentAsync(discharge.DischargeId, 1, TimeSpan.FromDays(7));
        Assert.Equal(invitation.Link, reminder.Link);
        Assert.NotEqual(invitation.MessageId, reminder.MessageId);

        var token = SurveyApp.TokenOf(invitation);
        using var patient = _app.CreateClient();
        var form = await patient.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/respond/{token}", Ct);
        Assert.Equal("inpatient-experience", form.GetProperty("surveyId").GetString());
        Assert.Equal("es", form.GetProperty("language").GetString());
        var first = form.GetProperty("questions")[0];
        Assert.Equal("four-point-frequency", first.GetProperty("type").GetString());
        Assert.StartsWith("Mientras", first.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("nunca", first.GetProperty("options")[0].GetProperty("text").GetString()!.ToLowerInvariant());

        using var answered = await patient.PostAsJsonAsync($"/api/v1/surveys/respond/{token}", new
        {
            answers = new Dictionary<string, object> { ["nurse-respect"] = "always", ["nurse-listen"] = "usually", ["overall-rating"] = 9, ["comments"] = "La enfermera de noche fue excelente" },
            contactRequested = false,
            outreachConsent = false,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, answered.StatusCode);
        var responseId = (await answered.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("responseId").GetGuid();

        var scored = await _app.PublishedAsync<SurveyResponseReceived>(r => r.ResponseId == responseId, "the scored response");
        Assert.Equal(discharge.DischargeId, scored.DischargeId);
        Assert.Equal(0.5, Assert.Single(scored.Composites, c => c.CompositeId == "nurse-communication").TopBox);
        Assert.True(Assert.Single(scored.Items, i => i.QuestionId == "overall-rating").TopBox);
        Assert.True(scored.HasComments);
        Assert.DoesNotContain("excelente", JsonSerializer.Serialize(scored), StringComparison.Ordinal);
        Assert.Empty(_app.Published<LowSatisfactionDetected>());

        // The comment is stored encrypted only.
        var stored = (await _app.Invitations.GetByDischargeAsync(discharge.DischargeId, Ct))!.Document;
        Assert.Equal(InvitationStatus.Responded, stored.Status);
        Assert.DoesNotContain("excelente", JsonSerializer.Serialize(stored), StringComparison.Ordinal);
        Assert.DoesNotContain(token, JsonSerializer.Serialize(stored), StringComparison.Ordinal);

        // The last reminder falls due after the answer: it is not sent.
        _app.Clock.Advance(TimeSpan.FromDays(7));
        await _app.ConsumedStepAsync(discharge.DischargeId, 2);
        Assert.Null((await _app.Invitations.GetByDischargeAsync(discharge.DischargeId, Ct))!.Document.Steps[2].SentAt);
        Assert.DoesNotContain(_app.SentFor(discharge.DischargeId), s => s.Reminder == 2);
        Assert.Equal(2, _app.SentFor(discharge.DischargeId).Count);
    }

    [Fact]
    public async Task A_redelivered_discharge_makes_one_invitation_and_sends_each_step_once()
    {
        var discharge = Samples.Discharge(_app.Clock.GetUtcNow());
        await _app.PutPolicyAsync(SurveyApp.FacilityA, new SurveyPolicyRequest { InvitationDelay = "PT10S", ResponseWindow = "PT60S", Reminders = ["PT20S"], MinimumInterval = "PT0S" });
        var first = await _app.DischargeAsync(discharge with { DischargedAt = _app.Clock.GetUtcNow() });
        await _app.Harness.Bus.Publish(discharge with { DischargedAt = _app.Clock.GetUtcNow() }, Ct);
        await _app.Harness.Bus.Publish(discharge with { DischargedAt = _app.Clock.GetUtcNow() }, Ct);
        await Eventually(() => _app.Harness.Consumed.Select<PatientExperience.Contracts.Intake.PatientDischarged>(new CancellationToken(true)).Count(m => m.Context.Message.DischargeId == discharge.DischargeId) == 3, "three deliveries handled");

        var again = (await _app.Invitations.GetByDischargeAsync(discharge.DischargeId, Ct))!.Document;
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.TokenHash, again.TokenHash);

        await _app.AdvanceUntilSentAsync(discharge.DischargeId, 0, TimeSpan.FromSeconds(10));
        await _app.AdvanceUntilSentAsync(discharge.DischargeId, 1, TimeSpan.FromSeconds(20));
        await _app.ConsumedStepAsync(discharge.DischargeId, 1);
        Assert.Equal([0, 1], _app.SentFor(discharge.DischargeId).Select(s => s.Reminder).Order());
        Assert.Single(_app.Published<SurveyInvitationIssued>(), i => i.DischargeId == discharge.DischargeId);
    }

    [Fact]
    public async Task Reused_expired_and_forged_tokens_change_nothing()
    {
        await _app.PutPolicyAsync(SurveyApp.FacilityA, new SurveyPolicyRequest { InvitationDelay = "PT1S", ResponseWindow = "PT30S", Reminders = [], MinimumInterval = "PT0S" });
        var answeredDischarge = Samples.Discharge(_app.Clock.GetUtcNow()) with { DischargedAt = _app.Clock.GetUtcNow() };
        var expiringDischarge = Samples.Discharge(_app.Clock.GetUtcNow()) with { DischargedAt = _app.Clock.GetUtcNow() };
        await _app.DischargeAsync(answeredDischarge);
        await _app.DischargeAsync(expiringDischarge);
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        var answeredToken = SurveyApp.TokenOf(await _app.PublishedAsync<SendSurveyInvitation>(s => s.DischargeId == answeredDischarge.DischargeId, "the first invitation"));
        var expiringToken = SurveyApp.TokenOf(await _app.PublishedAsync<SendSurveyInvitation>(s => s.DischargeId == expiringDischarge.DischargeId, "the second invitation"));
        using var patient = _app.CreateClient();

        using (var first = await patient.PostAsJsonAsync($"/api/v1/surveys/respond/{answeredToken}", new { answers = new { recommend = "definitely-yes" } }, Ct))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var before = await _app.Invitations.GetByDischargeAsync(answeredDischarge.DischargeId, Ct);
        using (var second = await patient.PostAsJsonAsync($"/api/v1/surveys/respond/{answeredToken}", new { answers = new { recommend = "definitely-no" }, contactRequested = true }, Ct))
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        using (var read = await patient.GetAsync($"/api/v1/surveys/respond/{answeredToken}", Ct))
            Assert.Equal(HttpStatusCode.Conflict, read.StatusCode);
        var after = await _app.Invitations.GetByDischargeAsync(answeredDischarge.DischargeId, Ct);
        Assert.Equal(before!.Version, after!.Version);

        var forged = PatientExperience.Survey.Invitations.SurveyToken.New();
        foreach (var bad in new[] { forged, "not-a-token", answeredToken[..^1] + (answeredToken[^1] == 'A' ? 'B' : 'A') })
        {
            using var get = await patient.GetAsync($"/api/v1/surveys/respond/{bad}", Ct);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            using var post = await patient.PostAsJsonAsync($"/api/v1/surveys/respond/{bad}", new { answers = new { recommend = "definitely-no" } }, Ct);
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }

        _app.Clock.Advance(TimeSpan.FromSeconds(30));
        using (var late = await patient.PostAsJsonAsync($"/api/v1/surveys/respond/{expiringToken}", new { answers = new { recommend = "definitely-no" } }, Ct))
            Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        using (var lateRead = await patient.GetAsync($"/api/v1/surveys/respond/{expiringToken}", Ct))
            Assert.Equal(HttpStatusCode.Gone, lateRead.StatusCode);
        Assert.Null((await _app.Invitations.GetByDischargeAsync(expiringDischarge.DischargeId, Ct))!.Document.Response);
        // The one answer's event leaves through the outbox, after the answer: awaited, then checked to be the only one.
        await _app.PublishedAsync<SurveyResponseReceived>(r => r.DischargeId == answeredDischarge.DischargeId, "the one answer's event");
        Assert.Single(_app.Published<SurveyResponseReceived>());
        Assert.Empty(_app.Published<LowSatisfactionDetected>());
    }

    [Fact]
    public async Task Two_answers_sent_at_once_record_one_and_refuse_the_other()
    {
        await _app.PutPolicyAsync(SurveyApp.FacilityA, new SurveyPolicyRequest { InvitationDelay = "PT0S", ResponseWindow = "P1D", MinimumInterval = "PT0S" });
        var discharge = Samples.Discharge(_app.Clock.GetUtcNow());
        await _app.DischargeAsync(discharge);
        var token = SurveyApp.TokenOf(await _app.PublishedAsync<SendSurveyInvitation>(s => s.DischargeId == discharge.DischargeId, "the invitation"));
        using var patient = _app.CreateClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            patient.PostAsJsonAsync($"/api/v1/surveys/respond/{token}", new { answers = new Dictionary<string, object> { ["overall-rating"] = i } }, Ct)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        foreach (var a in answers) a.Dispose();
        await _app.PublishedAsync<SurveyResponseReceived>(r => r.DischargeId == discharge.DischargeId, "the one response");
        Assert.Single(_app.Published<SurveyResponseReceived>(), r => r.DischargeId == discharge.DischargeId);
    }

    [Fact]
    public async Task Answers_are_validated_per_question_type_and_nothing_is_stored_when_one_is_wrong()
    {
        await _app.PutPolicyAsync(SurveyApp.FacilityA, new SurveyPolicyRequest { InvitationDelay = "PT0S", ResponseWindow = "P1D", MinimumInterval = "PT0S" });
        var discharge = Samples.Discharge(_app.Clock.GetUtcNow());
        await _app.DischargeAsync(discharge);
        var token = SurveyApp.TokenOf(await _app.PublishedAsync<SendSurveyInvitation>(s => s.DischargeId == discharge.DischargeId, "the invitation"));
        using var patient = _app.CreateClient();

        using var response = await patient.PostAsJsonAsync($"/api/v1/surveys/respond/{token}",
            new { answers = new Dictionary<string, object> { ["nurse-respect"] = "often", ["overall-rating"] = 12, ["discharge-help"] = true, ["room-clean"] = "always" } }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("answers.nurse-respect", out _));
        Assert.True(errors.TryGetProperty("answers.overall-rating", out _));
        Assert.True(errors.TryGetProperty("answers.discharge-help", out _));
        Assert.False(errors.TryGetProperty("answers.room-clean", out _));
        Assert.Null((await _app.Invitations.GetByDischargeAsync(discharge.DischargeId, Ct))!.Document.Response);
    }

    [Fact]
    public async Task Poor_answers_and_requests_for_contact_ask_for_service_recovery_and_consent_is_recorded_for_outreach()
    {
        await _app.PutPolicyAsync(SurveyApp.FacilityA, new SurveyPolicyRequest
        {
            InvitationDelay = "PT0S", ResponseWindow = "P1D", MinimumInterval = "PT0S", CriticalItems = ["help-when-asked"],
        });
        var critical = Samples.Discharge(_app.Clock.GetUtcNow());
        var contact = Samples.Discharge(_app.Clock.GetUtcNow());
        var happy = Samples.Discharge(_app.Clock.GetUtcNow());
        await _app.DischargeAsync(critical);
        await _app.DischargeAsync(contact);
        await _app.DischargeAsync(happy);
        using var patient = _app.CreateClient();

        async Task<Guid> AnswerAsync(Guid dischargeId, object body)
        {
            var token = SurveyApp.TokenOf(await _app.PublishedAsync<SendSurveyInvitation>(s => s.DischargeId == dischargeId, "the invitation"));
            using var response = await patient.PostAsJsonAsync($"/api/v1/surveys/respond/{token}", body, Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("responseId").GetGuid();
        }

        var criticalResponse = await AnswerAsync(critical.DischargeId, new { answers = new Dictionary<string, object> { ["help-when-asked"] = "never", ["comments"] = "I waited an hour" } });
        var contactResponse = await AnswerAsync(contact.DischargeId, new { answers = new { }, contactRequested = true, outreachConsent = true });
        await AnswerAsync(happy.DischargeId, new { answers = new Dictionary<string, object> { ["help-when-asked"] = "always", ["room-clean"] = "never" }, outreachConsent = false });

        var low = await _app.PublishedAsync<LowSatisfactionDetected>(l => l.ResponseId == criticalResponse, "service recovery for the critical item");
        Assert.Equal([LowSatisfactionReason.CriticalItem], low.Reasons);
        Assert.Equal(["help-when-asked"], low.CriticalItems);
        Assert.False(low.ContactRequested);
        Assert.DoesNotContain("waited", JsonSerializer.Serialize(low), StringComparison.Ordinal);
        var asked = await _app.PublishedAsync<LowSatisfactionDetected>(l => l.ResponseId == contactResponse, "service recovery for the request for contact");
        Assert.Equal([LowSatisfactionReason.ContactRequested], asked.Reasons);
        Assert.True(asked.ContactRequested);
        await _app.PublishedAsync<SurveyResponseReceived>(r => r.DischargeId == happy.DischargeId, "the third response");
        Assert.Equal(2, _app.Published<LowSatisfactionDetected>().Count);

        using var staff = _app.ClientFor("patient-relations", SurveyApp.FacilityA);
        var consents = await PatientExperience.Testing.Eventually.UntilAsync(async () =>
        {
            var page = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/outreach-consents?facilityId={SurveyApp.FacilityA}", Ct);
            return page.GetProperty("total").GetInt64() > 0 ? page : (JsonElement?)null;
        }, TimeSpan.FromSeconds(15), "the outreach consent to be recorded", Ct);
        var consent = Assert.Single(consents!.Value.GetProperty("items").EnumerateArray());
        Assert.Equal(contact.DischargeId, consent.GetProperty("contactReference").GetGuid());
        Assert.Equal("50-64", consent.GetProperty("ageBand").GetString());
        Assert.Equal("en", consent.GetProperty("language").GetString());
        var audit = await _app.Services.GetRequiredService<SurveyAuditLog>().ForSubjectAsync(contactResponse, Ct);
        Assert.Contains(audit, a => a.Action == "read-outreach-consent" && a.Actor == "test-patient-relations" && a.FacilityId == SurveyApp.FacilityA);

        using var elsewhere = _app.ClientFor("patient-relations", SurveyApp.FacilityB);
        using var refused = await elsewhere.GetAsync($"/api/v1/surveys/outreach-consents?facilityId={SurveyApp.FacilityA}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static Task Eventually(Func<bool> condition, string because) =>
        PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(condition()), TimeSpan.FromSeconds(15), because, Ct);
}
