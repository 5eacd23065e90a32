using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// The survey flow in standalone mode (one process, in-memory transport, SQLite files): a FHIR discharge at the gateway, the
/// invitation with its link in <c>/dev/mailbox</c>, the answer through the link, a service-recovery case. Needs no
/// infrastructure, so it never skips.
/// </summary>
public sealed class StandaloneSurveyTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private readonly StandaloneHost _host = new("standalone-survey", new Dictionary<string, string?>
    {
        // Whatever the time of day the test runs: no patient quiet hours deferring the invitation.
        ["Notification__PatientQuietHours__Start"] = "",
        ["Notification__PatientQuietHours__End"] = "",
    });
    private ServiceProcess? _standalone;

    private Uri Gateway => _host.Gateway;

    public async ValueTask InitializeAsync() => _standalone = await _host.StartAsync();

    private async Task<HttpClient> ClientAsync(string role, string facility)
    {
        var client = new HttpClient { BaseAddress = Gateway };
        var token = (await client.GetFromJsonAsync<JsonElement>($"/dev/token?role={role}&facility={facility}", Ct)).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task One_process_invites_a_discharged_patient_through_the_dev_mailbox_and_opens_a_service_recovery_case()
    {
        await SurveyFlow.UseSecondsPolicyAsync(await ClientAsync("admin", "*"));
        var email = $"ottoline-{Guid.NewGuid().ToString("N")[..8]}@example.org";

        var discharges = await SurveyFlow.PostDischargesAsync(await ClientAsync("integration", SurveyFlow.Facility), SurveyFlow.Bundle(SurveyFlow.Discharge(email)));
        var dischargeId = Assert.Single(discharges);

        var anonymous = new HttpClient { BaseAddress = Gateway };
        var invitation = await Eventually.UntilAsync<object>(async () =>
        {
            var mailbox = await anonymous.GetFromJsonAsync<JsonElement>($"/dev/mailbox?to={Uri.EscapeDataString(email)}", Ct);
            return mailbox.EnumerateArray().Cast<JsonElement?>().LastOrDefault(m => m!.Value.GetProperty("channel").GetString() == "email");
        }, Deadline, $"the invitation in /dev/mailbox.{System.Environment.NewLine}{_standalone!.Output}", Ct);
        var body = ((JsonElement)invitation).GetProperty("body").GetString()!;
        var (link, token) = SurveyFlow.LinkIn(body) ?? throw new Xunit.Sdk.XunitException($"No survey link in: {body}");
        Assert.StartsWith($"http://localhost:{_host.GatewayPort}/surveys/", link, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/v1/surveys/respond/{token}", Ct)).StatusCode);
        var answered = await anonymous.PostAsJsonAsync($"/api/v1/surveys/respond/{token}", SurveyFlow.PoorAnswers(), Ct);
        Assert.True(answered.StatusCode == HttpStatusCode.Created, $"answer: {(int)answered.StatusCode} {await answered.Content.ReadAsStringAsync(Ct)}");
        var responseId = (await answered.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("responseId").GetGuid();

        var staff = await ClientAsync("patient-relations", SurveyFlow.Facility);
        var recovery = await Eventually.UntilAsync<object>(async () =>
        {
            var page = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases?source=survey&facilityId={SurveyFlow.Facility}", Ct);
            return page.GetProperty("items").EnumerateArray().Cast<JsonElement?>()
                .FirstOrDefault(c => c!.Value.GetProperty("surveyResponseId").GetString() == responseId.ToString());
        }, Deadline, $"a service-recovery case for response {responseId}.{System.Environment.NewLine}{_standalone.Output}", Ct);
        Assert.Equal(dischargeId, ((JsonElement)recovery).GetProperty("dischargeId").GetGuid());
        Assert.Equal("grievance", ((JsonElement)recovery).GetProperty("classification").GetString());
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
