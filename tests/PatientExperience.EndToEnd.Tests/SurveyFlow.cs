using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PatientExperience.Testing;

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
    public static IEnumerable<object> Discharge(string email, string disposition = "home", string birthDate = "1968-04-02") =>
        FhirDischarges.Entries(Facility, "4-west", DateTimeOffset.UtcNow, email, "MRN-SRV-", "Quillfeather", "Ottoline", birthDate, disposition);

    public static StringContent Bundle(params IEnumerable<object>[] discharges) => Fhir(FhirDischarges.Bundle(discharges.SelectMany(d => d)));

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
