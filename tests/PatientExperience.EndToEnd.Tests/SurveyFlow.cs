using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// What the survey flow's tests send and read through the gateway: an EHR's FHIR discharges, a seconds-scale survey policy,
/// the survey answered through its link. Shared by the distributed and the standalone tests.
/// </summary>
internal static partial class SurveyFlow
{
    public const string Facility = "riverside-general";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"https?://[^\s""'<>]+/surveys/(?<token>[A-Za-z0-9_-]{20,})")]
    private static partial Regex SurveyLink();

    /// <summary>The survey link in a message body, and its token.</summary>
    public static (string Link, string Token)? LinkIn(string body) =>
        SurveyLink().Match(body) is { Success: true } m ? (m.Value, m.Groups["token"].Value) : null;

    /// <summary>Seconds-scale: the invitation a second after discharge, one reminder three seconds after it, two minutes to answer.</summary>
    public static async Task UseSecondsPolicyAsync(HttpClient admin)
    {
        var response = await admin.PutAsJsonAsync($"/api/v1/facilities/{Facility}/survey-policy", new
        {
            invitationDelay = "PT1S", responseWindow = "PT2M", reminders = new[] { "PT3S" }, samplingRate = 1.0, minimumInterval = "PT0S",
            criticalItems = new[] { "help-when-asked" },
        }, Ct);
        Assert.True(response.IsSuccessStatusCode, $"PUT survey-policy: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>A finished inpatient Encounter discharged now, and its Patient, as entries of a transaction Bundle.</summary>
    public static IEnumerable<object> Discharge(string email, string disposition = "home", string birthDate = "1968-04-02")
    {
        var encounterId = "enc-" + Guid.NewGuid().ToString("N")[..16];
        var patientUrl = "urn:uuid:" + Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        yield return new
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
                    dischargeDisposition = new { coding = new[] { new { system = "http://terminology.hl7.org/CodeSystem/discharge-disposition", code = disposition } } },
                },
            },
            request = new { method = "PUT", url = "Encounter/" + encounterId },
        };
        yield return new
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
                        system = "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14", value = "MRN-SRV-" + Guid.NewGuid().ToString("N")[..8],
                    },
                },
                name = new[] { new { family = "Quillfeather", given = new[] { "Ottoline" } } },
                birthDate,
                telecom = new[] { new { system = "email", value = email, use = "home" } },
            },
            request = new { method = "PUT", url = "Patient" },
        };
    }

    private static string Instant(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static StringContent Bundle(params IEnumerable<object>[] discharges) =>
        Fhir(JsonSerializer.Serialize(new { resourceType = "Bundle", type = "transaction", entry = discharges.SelectMany(d => d).ToArray() }));

    public static StringContent Fhir(string json) => new(json, Encoding.UTF8, "application/fhir+json");

    /// <summary>Posts the Bundle; answers the discharge ids intake accepted, in entry order (from the OperationOutcome).</summary>
    public static async Task<IReadOnlyList<Guid>> PostDischargesAsync(HttpClient ehr, StringContent bundle)
    {
        var response = await ehr.PostAsync("/api/v1/fhir", bundle, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /api/v1/fhir: {(int)response.StatusCode} {body}");
        var outcome = JsonDocument.Parse(body).RootElement;
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        return outcome.GetProperty("issue").EnumerateArray()
            .Where(i => i.TryGetProperty("diagnostics", out var d) && d.GetString()!.StartsWith("dischargeId=", StringComparison.Ordinal))
            .Select(i => Guid.Parse(i.GetProperty("diagnostics").GetString()!["dischargeId=".Length..]))
            .ToList();
    }

    /// <summary>Poor answers: the patient never got help when they asked (a critical item), rates the stay 2 and asks to be contacted.</summary>
    public static object PoorAnswers() => new
    {
        answers = new Dictionary<string, object>
        {
            ["nurse-respect"] = "sometimes", ["help-when-asked"] = "never", ["overall-rating"] = 2, ["recommend"] = "definitely-no",
            ["comments"] = "Waited forty minutes for the call bell, twice.",
        },
        contactRequested = true,
        outreachConsent = false,
    };
}
