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

    /// <summary>A place in the demo health system a concern is about.</summary>
    public sealed record UnitRef(string FacilityId, string DepartmentId, string UnitId);

    /// <summary><c>--units one</c> (the default): every concern about the adult emergency unit of riverside-general.</summary>
    public static readonly IReadOnlyList<UnitRef> OneUnit = [new(Facility, "emergency", "ed-adult")];

    /// <summary>
    /// <c>--units all</c>: every unit of the facilities the standalone host seeds, in turn, read from the same file it seeds
    /// them from (services/Case/Organisation/demo-health-system.json): load shaped like a health system's, not one unit's.
    /// </summary>
    public static IReadOnlyList<UnitRef> DemoUnits => LazyDemoUnits.Value;

    private static readonly Lazy<IReadOnlyList<UnitRef>> LazyDemoUnits = new(() =>
    {
        using var demo = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepositoryPaths.Root, "services", "Case", "Organisation", "demo-health-system.json")));
        return
        [
            .. from facility in demo.RootElement.GetProperty("facilities").EnumerateArray()
               from department in facility.GetProperty("departments").EnumerateArray()
               from unit in department.GetProperty("units").EnumerateArray()
               select new UnitRef(facility.GetProperty("id").GetString()!, department.GetProperty("id").GetString()!, unit.GetProperty("id").GetString()!),
        ];
    });

    /// <summary>A complaint about the <paramref name="index"/>-th unit in turn of <paramref name="units"/> (default <see cref="OneUnit"/>); invented text and contact, no real person.</summary>
    public static byte[] FeedbackBody(long index, IReadOnlyList<UnitRef>? units = null)
    {
        units ??= OneUnit;
        return FeedbackBody(index, units[(int)(index % units.Count)]);
    }

    private static byte[] FeedbackBody(long index, UnitRef unit) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        facilityId = unit.FacilityId,
        departmentId = unit.DepartmentId,
        unitId = unit.UnitId,
        channel = "web",
        kind = "complaint",
        description = "Load test concern: the wait after triage was not explained.",
        patient = new { name = "Load Test Patient", email = string.Create(CultureInfo.InvariantCulture, $"load-{index}@example.org"), preferredLanguage = "en" },
        submitter = new { relationship = "self" },
        responseRequested = true,
    });

    /// <summary>POST /api/v1/feedback with a unique Idempotency-Key; succeeds on 202 and keeps the submission id when asked to.</summary>
    public static SendRequest Feedback(HttpClient client, string runId, Action<long, Guid>? accepted = null, IReadOnlyList<UnitRef>? units = null) => async (index, ct) =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = Json(FeedbackBody(index, units)) };
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
