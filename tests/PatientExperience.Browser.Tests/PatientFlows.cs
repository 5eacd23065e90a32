using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PatientExperience.Testing;

namespace PatientExperience.Browser.Tests;

/// <summary>
/// What the tests set up through the API (as a patient, the EHR or staff would): a concern whose acknowledgement carries a
/// status link, a discharge whose invitation carries a survey link. Both links are read from the development mailbox.
/// </summary>
public static partial class PatientFlows
{
    public const string Facility = "riverside-general";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"/status/(?<token>[A-Za-z0-9_-]{43})")]
    private static partial Regex StatusLink();

    [GeneratedRegex(@"/surveys/(?<token>[A-Za-z0-9_-]{20,})")]
    private static partial Regex SurveyLink();

    public static string NewEmail(string who) => $"{who}-{Guid.NewGuid().ToString("N")[..8]}@example.org";

    /// <summary>A concern with a response requested; answers its case id and the status page token from the acknowledgement.</summary>
    public static async Task<(Guid CaseId, string Token)> ConcernWithStatusLinkAsync(BrowserPlatform platform, string language = "en")
    {
        var email = NewEmail("status");
        var anonymous = await platform.ApiAsync();
        var concern = new
        {
            facilityId = Facility, departmentId = "emergency", unitId = "ed-adult", channel = "web", kind = "complaint",
            description = "Nobody told me why the scan was delayed.", patient = new { name = "Rosa Diaz", email, preferredLanguage = language },
            responseRequested = true,
        };
        // Sent again (same Idempotency-Key: one concern) while the freshly started host answers 503 (its directory not read
        // yet); any other error, a 500 above all, fails the test at once.
        var key = Guid.NewGuid().ToString("N");
        var submitted = await Eventually.UntilAsync<HttpResponseMessage>(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(concern) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await anonymous.SendAsync(request, Ct);
            return response.StatusCode == HttpStatusCode.ServiceUnavailable ? null : response;
        }, Deadline, $"POST /api/v1/feedback to answer other than 503.\n{platform.Standalone?.Output}", Ct);
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, $"POST /api/v1/feedback: {(int)submitted.StatusCode} {await submitted.Content.ReadAsStringAsync(Ct)}\n{platform.Standalone?.Output}");
        var submissionId = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("submissionId").GetGuid();

        var caseId = await CaseOfAsync(platform, submissionId);
        var body = await MailAsync(platform, email, StatusLink(), "the acknowledgement with the status link");
        return (caseId, StatusLink().Match(body).Groups["token"].Value);
    }

    /// <summary>The case opened for a submission (read through the API with a development token).</summary>
    public static async Task<Guid> CaseOfAsync(BrowserPlatform platform, Guid submissionId)
    {
        var staff = await platform.ApiAsync("patient-relations");
        return await Eventually.UntilAsync<object>(async () =>
        {
            var submission = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/feedback/{submissionId}", Ct);
            return submission.TryGetProperty("caseId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetGuid() : null;
        }, Deadline, $"a case for submission {submissionId}.\n{platform.Standalone?.Output}", Ct) is Guid caseId ? caseId : throw new InvalidOperationException();
    }

    /// <summary>A discharged inpatient's survey token, from the invitation in the development mailbox.</summary>
    public static async Task<string> SurveyTokenAsync(BrowserPlatform platform)
    {
        var admin = await platform.ApiAsync("admin");
        var policy = await admin.PutAsJsonAsync($"/api/v1/facilities/{Facility}/survey-policy", new
        {
            invitationDelay = "PT1S", responseWindow = "PT1H", reminders = Array.Empty<string>(), samplingRate = 1.0, minimumInterval = "PT0S",
        }, Ct);
        Assert.True(policy.IsSuccessStatusCode, $"PUT survey-policy: {(int)policy.StatusCode} {await policy.Content.ReadAsStringAsync(Ct)}");

        var email = NewEmail("survey");
        var ehr = await platform.ApiAsync("integration", Facility);
        var posted = await ehr.PostAsync("/api/v1/fhir", new StringContent(Discharge(email), Encoding.UTF8, "application/fhir+json"), Ct);
        Assert.True(posted.StatusCode == HttpStatusCode.OK, $"POST /api/v1/fhir: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync(Ct)}");

        var body = await MailAsync(platform, email, SurveyLink(), "the survey invitation");
        return SurveyLink().Match(body).Groups["token"].Value;
    }

    private static async Task<string> MailAsync(BrowserPlatform platform, string to, Regex link, string what)
    {
        var anonymous = await platform.ApiAsync();
        return await Eventually.UntilAsync<string>(async () =>
        {
            var mailbox = await anonymous.GetFromJsonAsync<JsonElement>($"/dev/mailbox?to={Uri.EscapeDataString(to)}", Ct);
            return mailbox.EnumerateArray().Select(m => m.GetProperty("body").GetString() ?? "").FirstOrDefault(link.IsMatch);
        }, Deadline, $"{what} in /dev/mailbox.\n{platform.Standalone?.Output}", Ct);
    }

    private static string Discharge(string email) =>
        FhirDischarges.Bundle(FhirDischarges.Entries(Facility, "4-west", DateTimeOffset.UtcNow, email, "MRN-WEB-", "Okafor", "Ada", "1971-09-12"));
}
