using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PatientExperience.LoadTest;

/// <summary>
/// Before a survey-responses run: invitations to answer. Puts a seconds-scale survey policy on the demo facility (invitation a
/// second after discharge, no reminders, every discharge sampled), posts that many FHIR discharges and reads each invitation's
/// link from the development mailbox (Development only, loopback only: a platform the tool started, or one on this machine).
/// </summary>
internal static partial class SurveyInvitations
{
    [GeneratedRegex(@"/surveys/(?<token>[A-Za-z0-9_-]{20,})")]
    private static partial Regex SurveyLink();

    public static async Task<IReadOnlyList<string>> IssueAsync(Uri gateway, int count, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler();
        using var admin = await Scenarios.ClientWithDevTokenAsync(gateway, handler, "admin", "*", ct);
        var policy = await admin.PutAsJsonAsync($"/api/v1/facilities/{Scenarios.Facility}/survey-policy", new
        {
            invitationDelay = "PT1S", responseWindow = "PT2H", reminders = Array.Empty<string>(), samplingRate = 1.0, minimumInterval = "PT0S",
            criticalItems = new[] { "help-when-asked" },
        }, ct);
        if (!policy.IsSuccessStatusCode) throw new InvalidOperationException($"PUT survey-policy answered {(int)policy.StatusCode}: {await policy.Content.ReadAsStringAsync(ct)}");

        using var ehr = await Scenarios.ClientWithDevTokenAsync(gateway, handler, "integration", Scenarios.Facility, ct);
        var prefix = "survey-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var chunk in Enumerable.Range(0, count).Select(i => (long)i).Chunk(50))
        {
            using var content = new StringContent(Scenarios.DischargeBundle(chunk, prefix), Encoding.UTF8, "application/fhir+json");
            using var response = await ehr.PostAsync("/api/v1/fhir", content, ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/v1/fhir answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }

        Console.WriteLine($"survey-responses: {count} discharges posted; waiting for their invitations in the development mailbox");
        var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
        while (true)
        {
            using var mailbox = new HttpClient(handler, disposeHandler: false) { BaseAddress = gateway };
            var messages = await mailbox.GetFromJsonAsync<JsonElement>("/dev/mailbox?channel=email", ct);
            var tokens = messages.EnumerateArray()
                .Where(m => m.GetProperty("to").GetString()?.StartsWith(prefix, StringComparison.Ordinal) == true)
                .Select(m => SurveyLink().Match(m.GetProperty("body").GetString() ?? ""))
                .Where(m => m.Success)
                .Select(m => m.Groups["token"].Value)
                .Distinct()
                .ToList();
            if (tokens.Count >= count) return tokens;
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"Only {tokens.Count} of {count} invitations reached the development mailbox in 5 minutes.");
            await Task.Delay(TimeSpan.FromSeconds(2), ct); // invitations are issued by the survey service's timers
        }
    }
}
