using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PatientExperience.Testing;

namespace PatientExperience.LoadTest;

/// <summary>What each mode sends. Bodies are valid for the demo health system the standalone host seeds (riverside-general).</summary>
internal static class Scenarios
{
    public const string Facility = "riverside-general";

    /// <summary>A complaint about the adult emergency unit; invented text and contact, no real person.</summary>
    public static byte[] FeedbackBody(long index) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        facilityId = Facility,
        departmentId = "emergency",
        unitId = "ed-adult",
        channel = "web",
        kind = "complaint",
        description = "Load test concern: the wait after triage was not explained.",
        patient = new { name = "Load Test Patient", email = string.Create(CultureInfo.InvariantCulture, $"load-{index}@example.org"), preferredLanguage = "en" },
        submitter = new { relationship = "self" },
        responseRequested = true,
    });

    /// <summary>POST /api/v1/feedback with a unique Idempotency-Key; succeeds on 202 and keeps the submission id when asked to.</summary>
    public static SendRequest Feedback(HttpClient client, string runId, Action<long, Guid>? accepted = null) => async (index, ct) =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = Json(FeedbackBody(index)) };
        request.Headers.Add("Idempotency-Key", string.Create(CultureInfo.InvariantCulture, $"{runId}-{index}"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        if (response.StatusCode != HttpStatusCode.Accepted) return RequestOutcome.Failed((int)response.StatusCode);
        if (accepted is not null)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            accepted(index, body.GetProperty("submissionId").GetGuid());
        }

        return RequestOutcome.Ok((int)response.StatusCode);
    };

    /// <summary>POST /api/v1/fhir: a transaction Bundle with one finished inpatient Encounter discharged now and its Patient.</summary>
    public static SendRequest FhirDischarge(HttpClient integration) => async (index, ct) =>
    {
        using var content = new StringContent(DischargeBundle([index]), Encoding.UTF8, "application/fhir+json");
        using var response = await integration.PostAsync("/api/v1/fhir", content, ct);
        return response.IsSuccessStatusCode ? RequestOutcome.Ok((int)response.StatusCode) : RequestOutcome.Failed((int)response.StatusCode);
    };

    /// <summary>POST /api/v1/surveys/respond/{token}: answers one invitation (each token once).</summary>
    public static SendRequest SurveyResponse(HttpClient client, IReadOnlyList<string> tokens) => async (index, ct) =>
    {
        if (index >= tokens.Count) return RequestOutcome.Failed();
        using var response = await client.PostAsJsonAsync($"/api/v1/surveys/respond/{tokens[(int)index]}", new
        {
            answers = new Dictionary<string, object>
            {
                ["nurse-respect"] = "always", ["help-when-asked"] = "usually", ["overall-rating"] = 9, ["recommend"] = "definitely-yes",
            },
            contactRequested = false,
            outreachConsent = false,
        }, ct);
        return response.IsSuccessStatusCode ? RequestOutcome.Ok((int)response.StatusCode) : RequestOutcome.Failed((int)response.StatusCode);
    };

    /// <summary>A transaction Bundle of finished inpatient discharges (one Encounter and one Patient each), discharged now.</summary>
    public static string DischargeBundle(IEnumerable<long> indexes, string emailPrefix = "discharge")
    {
        var now = DateTimeOffset.UtcNow;
        return FhirDischarges.Bundle(indexes.SelectMany(index => FhirDischarges.Entries(Facility, "4-west", now,
            string.Create(CultureInfo.InvariantCulture, $"{emailPrefix}-{index}@example.org"), "MRN-LT-", "Loadtest", "Patient", encounterPrefix: "enc-lt-")));
    }

    public static async Task<HttpClient> ClientWithDevTokenAsync(Uri gateway, HttpMessageHandler handler, string role, string facility, CancellationToken ct)
    {
        var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
        var token = (await client.GetFromJsonAsync<JsonElement>($"/dev/token?role={role}&facility={facility}", ct)).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

}
