using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// Flow 3 of the architecture across processes over RabbitMQ, on a seconds-scale survey policy: the EHR's FHIR Bundle at the
/// gateway -> intake (PatientDischarged) -> survey (eligibility, durable timers) -> notification (real SMTP) -> the patient
/// answers through the link at the gateway -> scored -> case (a service-recovery case).
/// </summary>
public sealed class SurveyToServiceRecoveryTests(PlatformFixture platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    private Task<HttpClient> EhrAsync() => platform.StaffClientAsync("integration", SurveyFlow.Facility);

    [Fact]
    public async Task A_discharge_posted_as_FHIR_is_invited_reminded_answered_scored_and_a_poor_answer_opens_a_service_recovery_case()
    {
        platform.Require();
        var admin = await platform.StaffClientAsync("admin", "*");
        await SurveyFlow.UseSecondsPolicyAsync(admin);
        var email = $"ottoline-{Guid.NewGuid().ToString("N")[..8]}@example.org";
        var hospiceEmail = $"hospice-{Guid.NewGuid().ToString("N")[..8]}@example.org";

        var discharges = await SurveyFlow.PostDischargesAsync(await EhrAsync(),
            SurveyFlow.Bundle(SurveyFlow.Discharge(email), SurveyFlow.Discharge(hospiceEmail, disposition: "hosp")));
        Assert.Equal(2, discharges.Count);
        var (dischargeId, hospiceId) = (discharges[0], discharges[1]);

        // The invitation: an email to the patient with a link to the gateway.
        var invitation = await Eventually.UntilAsync(() => Task.FromResult(platform.Smtp!.To(email).FirstOrDefault()), Deadline,
            $"the survey invitation to reach {email}.{Environment.NewLine}{platform.AllOutput()}", Ct);
        var (link, token) = SurveyFlow.LinkIn(invitation.Body) ?? throw new Xunit.Sdk.XunitException($"No survey link in: {invitation.Body}");
        Assert.StartsWith(new Uri(platform.GatewayUri, "/surveys/").ToString(), link, StringComparison.Ordinal);

        // Unanswered, a reminder follows with the same link.
        await Eventually.UntilAsync(() => Task.FromResult(platform.Smtp!.To(email).Count >= 2), Deadline, "the reminder to arrive", Ct);
        Assert.All(platform.Smtp!.To(email), m => Assert.Equal(token, SurveyFlow.LinkIn(m.Body)?.Token));

        // The patient opens and answers the survey through the gateway, anonymously, with the link's token.
        var patient = platform.AnonymousClient();
        var form = await patient.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/respond/{token}", Ct);
        Assert.Equal("inpatient-experience", form.GetProperty("surveyId").GetString());
        var answered = await patient.PostAsJsonAsync($"/api/v1/surveys/respond/{token}", SurveyFlow.PoorAnswers(), Ct);
        Assert.True(answered.StatusCode == HttpStatusCode.Created, $"answer: {(int)answered.StatusCode} {await answered.Content.ReadAsStringAsync(Ct)}");
        var responseId = (await answered.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("responseId").GetGuid();

        // The link is single-use: a second answer is a 409 and changes nothing.
        var again = await patient.PostAsJsonAsync($"/api/v1/surveys/respond/{token}", SurveyFlow.PoorAnswers(), Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        // Scored: the facility's results count the response.
        var staff = await platform.StaffClientAsync("patient-relations", SurveyFlow.Facility);
        var results = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/results?facilityId={SurveyFlow.Facility}", Ct);
        Assert.True(results.GetProperty("responded").GetInt32() >= 1, results.ToString());
        Assert.True(results.GetProperty("invited").GetInt32() >= 1, results.ToString());
        var decided = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/invitations/{dischargeId}", Ct);
        Assert.Equal(responseId, decided.GetProperty("responseId").GetGuid());

        // Poor answers and a request for contact: a service-recovery case, a grievance, linked to the response.
        var recovery = await Eventually.UntilAsync<object>(async () =>
        {
            var page = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases?source=survey&facilityId={SurveyFlow.Facility}&pageSize=100", Ct);
            return page.GetProperty("items").EnumerateArray().Cast<JsonElement?>()
                .FirstOrDefault(c => c!.Value.GetProperty("surveyResponseId").GetString() == responseId.ToString());
        }, Deadline, $"a service-recovery case for response {responseId}.{Environment.NewLine}{platform.AllOutput()}", Ct);
        var theCase = (JsonElement)recovery;
        Assert.Equal(("survey", "grievance"), (theCase.GetProperty("source").GetString(), theCase.GetProperty("classification").GetString()));
        Assert.Equal(dischargeId, theCase.GetProperty("dischargeId").GetGuid());
        var concerns = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases?source=feedback&facilityId={SurveyFlow.Facility}&pageSize=100", Ct);
        Assert.DoesNotContain(concerns.GetProperty("items").EnumerateArray(), c => c.GetProperty("source").GetString() != "feedback");

        // The discharge to hospice was not invited, and its reason is recorded.
        var hospice = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/invitations/{hospiceId}", Ct);
        Assert.Equal(("ineligible", "discharged-to-hospice"), (hospice.GetProperty("status").GetString(), hospice.GetProperty("ineligibleReason").GetString()));
        Assert.Empty(platform.Smtp!.To(hospiceEmail));
    }

    [Fact]
    public async Task Invalid_FHIR_at_the_gateway_is_a_400_OperationOutcome_and_starts_nothing()
    {
        platform.Require();
        var ehr = await EhrAsync();

        var response = await ehr.PostAsync("/api/v1/fhir", SurveyFlow.Fhir("""{"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Encounter","id":"e1","class":{"code":"IMP"}}}]}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var outcome = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Contains(outcome.GetProperty("issue").EnumerateArray(), i => i.GetProperty("severity").GetString() == "error");
    }
}
