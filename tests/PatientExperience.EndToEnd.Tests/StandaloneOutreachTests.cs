using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// Outreach in standalone mode (one process, in-memory transport, SQLite files): a discharged patient answers the survey and
/// agrees to be approached; staff plan a one-seat focus group and recruit; the invitation with its RSVP link arrives in
/// <c>/dev/mailbox</c>; the patient says yes through the gateway and the event is full. Needs no infrastructure.
/// </summary>
public sealed partial class StandaloneOutreachTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private readonly StandaloneHost _host = new("standalone-outreach", new Dictionary<string, string?>
    {
        // Whatever the time of day the test runs: no patient quiet hours deferring the messages.
        ["Notification__PatientQuietHours__Start"] = "",
        ["Notification__PatientQuietHours__End"] = "",
    });
    private ServiceProcess? _standalone;

    private Uri Gateway => _host.Gateway;

    public async ValueTask InitializeAsync() => _standalone = await _host.StartAsync();

    [GeneratedRegex(@"https?://[^\s""'<>]+/outreach/rsvp/(?<token>[A-Za-z0-9_-]{43})")]
    private static partial Regex RsvpLink();

    private async Task<HttpClient> ClientAsync(string role, string facility)
    {
        var client = new HttpClient { BaseAddress = Gateway };
        var token = (await client.GetFromJsonAsync<JsonElement>($"/dev/token?role={role}&facility={facility}", Ct)).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> MailAsync(HttpClient anonymous, string email, Func<string, bool> match, string because) =>
        (string)await Eventually.UntilAsync<object>(async () =>
        {
            var mailbox = await anonymous.GetFromJsonAsync<JsonElement>($"/dev/mailbox?to={Uri.EscapeDataString(email)}", Ct);
            return mailbox.EnumerateArray().Where(m => m.GetProperty("channel").GetString() == "email")
                .Select(m => m.GetProperty("body").GetString()!).FirstOrDefault(match);
        }, Deadline, $"{because}.{System.Environment.NewLine}{_standalone!.Output}", Ct);

    [Fact]
    public async Task A_respondent_who_agreed_to_be_approached_is_invited_through_the_dev_mailbox_and_takes_the_last_seat()
    {
        await SurveyFlow.UseSecondsPolicyAsync(await ClientAsync("admin", "*"));
        var email = $"ottoline-{Guid.NewGuid().ToString("N")[..8]}@example.org";
        await SurveyFlow.PostDischargesAsync(await ClientAsync("integration", SurveyFlow.Facility), SurveyFlow.Bundle(SurveyFlow.Discharge(email)));
        var anonymous = new HttpClient { BaseAddress = Gateway };

        var survey = await MailAsync(anonymous, email, b => SurveyFlow.LinkIn(b) is not null, "the survey invitation in /dev/mailbox");
        var (_, surveyToken) = SurveyFlow.LinkIn(survey)!.Value;
        using (var answered = await anonymous.PostAsJsonAsync($"/api/v1/surveys/respond/{surveyToken}",
                   new { answers = new Dictionary<string, object> { ["overall-rating"] = 9 }, outreachConsent = true }, Ct))
            Assert.Equal(HttpStatusCode.Created, answered.StatusCode);

        var staff = await ClientAsync("patient-relations", SurveyFlow.Facility);
        await Eventually.UntilAsync(async () =>
                (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/outreach-consents?facilityId={SurveyFlow.Facility}", Ct)).GetProperty("total").GetInt64() > 0,
            Deadline, "the outreach consent to be recorded", Ct);
        using var planned = await staff.PostAsJsonAsync("/api/v1/outreach/events", new
        {
            facilityId = SurveyFlow.Facility, kind = "focus-group", topic = "Coming home after a hip replacement", startsAt = DateTimeOffset.UtcNow.AddDays(3),
            location = "Conference room B", capacity = 1, languages = new[] { "en" },
            criteria = new { languages = Array.Empty<string>(), ageBands = Array.Empty<string>(), unitIds = Array.Empty<string>() },
        }, Ct);
        Assert.True(planned.StatusCode == HttpStatusCode.Created, $"plan: {(int)planned.StatusCode} {await planned.Content.ReadAsStringAsync(Ct)}");
        var eventId = (await planned.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        using (var recruit = await staff.PostAsync($"/api/v1/outreach/events/{eventId}/recruit", null, Ct))
            Assert.Equal(HttpStatusCode.OK, recruit.StatusCode);

        var invitation = await MailAsync(anonymous, email, b => RsvpLink().IsMatch(b), "the outreach invitation in /dev/mailbox");
        var link = RsvpLink().Match(invitation);
        Assert.StartsWith($"http://localhost:{_host.GatewayPort}/outreach/rsvp/", link.Value, StringComparison.Ordinal);
        Assert.Contains("Coming home after a hip replacement", invitation, StringComparison.Ordinal);
        using (var yes = await anonymous.PostAsJsonAsync($"/api/v1/outreach/rsvp/{link.Groups["token"].Value}", new { attending = true }, Ct))
            Assert.Equal(HttpStatusCode.OK, yes.StatusCode);

        var full = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/outreach/events/{eventId}", Ct);
        Assert.Equal(("full", 1, 1L), (full.GetProperty("status").GetString(), full.GetProperty("attending").GetInt32(), full.GetProperty("invited").GetInt64()));
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
