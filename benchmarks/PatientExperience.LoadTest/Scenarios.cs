using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

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
        var entries = new List<object>();
        foreach (var index in indexes)
        {
            var encounterId = "enc-lt-" + Guid.NewGuid().ToString("N")[..16];
            var patientUrl = "urn:uuid:" + Guid.NewGuid();
            entries.Add(new
            {
                fullUrl = "urn:uuid:" + Guid.NewGuid(),
                resource = new
                {
                    resourceType = "Encounter", id = encounterId, status = "finished",
                    @class = new { system = "http://terminology.hl7.org/CodeSystem/v3-ActCode", code = "IMP" },
                    subject = new { reference = patientUrl },
                    serviceProvider = new { identifier = new { system = "urn:patient-experience:facility", value = Facility } },
                    location = new[] { new { location = new { identifier = new { system = "urn:patient-experience:unit", value = "4-west" } } } },
                    period = new { start = Instant(now.AddDays(-3)), end = Instant(now) },
                    hospitalization = new
                    {
                        dischargeDisposition = new { coding = new[] { new { system = "http://terminology.hl7.org/CodeSystem/discharge-disposition", code = "home" } } },
                    },
                },
                request = new { method = "PUT", url = "Encounter/" + encounterId },
            });
            entries.Add(new
            {
                fullUrl = patientUrl,
                resource = new
                {
                    resourceType = "Patient",
                    identifier = new[]
                    {
                        new
                        {
                            type = new { coding = new[] { new { system = "http://terminology.hl7.org/CodeSystem/v2-0203", code = "MR" } } },
                            system = "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14", value = "MRN-LT-" + Guid.NewGuid().ToString("N")[..8],
                        },
                    },
                    name = new[] { new { family = "Loadtest", given = new[] { "Patient" } } },
                    birthDate = "1968-04-02",
                    telecom = new[] { new { system = "email", value = string.Create(CultureInfo.InvariantCulture, $"{emailPrefix}-{index}@example.org"), use = "home" } },
                },
                request = new { method = "PUT", url = "Patient" },
            });
        }

        return JsonSerializer.Serialize(new { resourceType = "Bundle", type = "transaction", entry = entries });
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

    private static string Instant(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
