using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// The README's first command: every service and the gateway in one process, in-memory transport, SQLite files, the demo
/// health system. Needs no infrastructure, so it never skips.
/// </summary>
public sealed class StandaloneTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly StandaloneHost _host = new("standalone", new Dictionary<string, string?>
    {
        // Patients' quiet hours off, so an acknowledgement is sent whatever the time of the run.
        ["Notification__PatientQuietHours__Start"] = "",
        ["Notification__PatientQuietHours__End"] = "",
    });
    private ServiceProcess? _standalone;

    private Uri Gateway => _host.Gateway;

    public async ValueTask InitializeAsync()
    {
        _standalone = ServiceProcess.Start("PatientExperience.Standalone", _host.Environment(), "standalone");
        await _standalone.WaitUntilReadyAsync(new Uri(Gateway, "/health/ready"), TimeSpan.FromSeconds(60), Ct);
    }

    [Fact]
    public async Task One_process_takes_a_concern_to_a_case_and_keeps_it_across_a_restart()
    {
        Assert.Contains(_standalone!.Lines, l => l.Contains(_host.DataDirectory, StringComparison.Ordinal)); // the data folder is printed at start
        var client = new HttpClient { BaseAddress = Gateway };
        var token = (await client.GetFromJsonAsync<JsonElement>("/dev/token?role=patient-relations&facility=*", Ct)).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var facilities = await client.GetFromJsonAsync<JsonElement>("/api/v1/facilities", Ct);
        Assert.True(facilities.GetArrayLength() >= 2);
        Assert.True(facilities.EnumerateArray().Select(f => f.GetProperty("timeZone").GetString()).Distinct().Count() >= 2);

        var submissionId = await ConcernToCaseTests.SubmitAsync(client, ConcernToCaseTests.Concern(), "standalone-key");
        Assert.Equal(submissionId, await ConcernToCaseTests.SubmitAsync(client, ConcernToCaseTests.Concern(), "standalone-key"));
        var caseId = await ConcernToCaseTests.CaseIdOfAsync(client, submissionId, () => _standalone.Output);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/cases/{caseId}", Ct)).StatusCode);

        var invalid = await client.PostAsJsonAsync("/api/v1/feedback", new { facilityId = "nowhere" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);

        await _standalone.StopAsync();
        _standalone = await _standalone.RestartAsync();
        await _standalone.WaitUntilReadyAsync(new Uri(Gateway, "/health/ready"), TimeSpan.FromSeconds(60), Ct);

        var afterRestart = await client.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct);
        Assert.Equal(submissionId, afterRestart.GetProperty("submissionId").GetGuid());
        var facilitiesAfter = await client.GetFromJsonAsync<JsonElement>("/api/v1/facilities", Ct);
        Assert.Equal(facilities.GetArrayLength(), facilitiesAfter.GetArrayLength()); // seeded once, not again
    }

    [Fact]
    public async Task The_gateway_port_serves_the_platform_api_description_and_its_reference()
    {
        using var client = new HttpClient { BaseAddress = Gateway };

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var reference = await client.GetAsync("/api-docs", Ct);

        Assert.Equal("Patient Experience Platform API", document.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal(Gateway.ToString().TrimEnd('/'), document.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/cases/{id}", out _));
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_spanish_speaking_patient_gets_a_spanish_speaking_advocate_and_talks_to_them_through_the_status_link()
    {
        var client = new HttpClient { BaseAddress = Gateway };
        var token = (await client.GetFromJsonAsync<JsonElement>("/dev/token?role=advocate&facility=riverside-general&sub=rg-advocate", Ct)).GetProperty("accessToken").GetString();
        var staff = new HttpClient { BaseAddress = Gateway };
        staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        const string email = "maria.lopez@example.org";
        var concern = new
        {
            facilityId = "riverside-general", departmentId = "emergency", unitId = "ed-adult", channel = "web", kind = "complaint",
            description = "Nadie me explicó el retraso.", patient = new { name = "María López", email, preferredLanguage = "es-MX" }, responseRequested = true,
        };

        var caseId = await ConcernToCaseTests.CaseIdOfAsync(staff, await ConcernToCaseTests.SubmitAsync(client, concern), () => _standalone!.Output);

        var spanishSpeakers = (await staff.GetFromJsonAsync<JsonElement>("/api/v1/advocates?facilityId=riverside-general", Ct)).EnumerateArray()
            .Where(a => a.GetProperty("languages").EnumerateArray().Any(l => l.GetString() == "es")).Select(a => a.GetProperty("id").GetString()).ToList();
        var assignee = await Eventually.UntilAsync<string>(async () =>
            (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct)).GetProperty("assigneeId") is { ValueKind: JsonValueKind.String } a ? a.GetString() : null,
            TimeSpan.FromSeconds(30), "the case to be assigned automatically", Ct);
        Assert.Contains(assignee, spanishSpeakers);

        // The acknowledgement, in Spanish, in the development mailbox, holds the link to the status page.
        var acknowledgement = await Eventually.UntilAsync<JsonElement?>(async () =>
            (await client.GetFromJsonAsync<JsonElement>($"/dev/mailbox?to={email}", Ct)).EnumerateArray().Cast<JsonElement?>().FirstOrDefault(),
            TimeSpan.FromSeconds(30), "the acknowledgement to reach the mailbox", Ct);
        Assert.StartsWith("Hemos recibido", acknowledgement!.Value.GetProperty("subject").GetString(), StringComparison.Ordinal);
        var link = System.Text.RegularExpressions.Regex.Match(acknowledgement.Value.GetProperty("body").GetString()!, @"http://localhost:\d+/status/(?<token>[A-Za-z0-9_-]{43})");
        Assert.True(link.Success, "the acknowledgement links to the status page");
        var statusToken = link.Groups["token"].Value;

        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/public/cases/{statusToken}", Ct);
        Assert.Equal("received", page.GetProperty("stage").GetString());
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/v1/public/cases/{statusToken}/messages", new { text = "¿Cuándo me llamarán?" }, Ct)).StatusCode);

        var reply = await staff.PostAsJsonAsync($"/api/v1/cases/{caseId}/messages", new { text = "Le llamaré hoy a las 17:30." }, Ct);
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);

        var messages = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/public/cases/{statusToken}", Ct)).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["complainant", "staff"], messages.Select(m => m.GetProperty("from").GetString()));
        Assert.Equal("Le llamaré hoy a las 17:30.", messages[1].GetProperty("text").GetString());
        await Eventually.UntilAsync(async () => (await client.GetFromJsonAsync<JsonElement>($"/dev/mailbox?to={email}", Ct)).GetArrayLength() == 2,
            TimeSpan.FromSeconds(30), "the notice of the reply to reach the mailbox", Ct);
    }

    [Fact]
    public async Task Concerns_submitted_and_acknowledged_at_the_gateway_show_in_the_kpis_within_seconds()
    {
        var client = new HttpClient { BaseAddress = Gateway };
        async Task<string?> TokenAsync(string role, string facility) =>
            (await client.GetFromJsonAsync<JsonElement>($"/dev/token?role={role}&facility={facility}", Ct)).GetProperty("accessToken").GetString();
        var staff = new HttpClient { BaseAddress = Gateway };
        staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("patient-relations", "*"));
        var analyst = new HttpClient { BaseAddress = Gateway };
        analyst.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("analyst", "riverside-general"));

        var first = await ConcernToCaseTests.SubmitAsync(client, ConcernToCaseTests.Concern(), "reporting-1");
        var second = await ConcernToCaseTests.SubmitAsync(client, ConcernToCaseTests.Concern(), "reporting-2");
        var acknowledged = await ConcernToCaseTests.CaseIdOfAsync(staff, first, () => _standalone!.Output);
        await ConcernToCaseTests.CaseIdOfAsync(staff, second, () => _standalone!.Output);
        await EscalationTests.ActAsync(staff, acknowledged, "acknowledge");

        // Today (UTC) at Riverside, as the analyst sees it: two concerns, two cases, one acknowledged.
        var kpis = await Eventually.MatchAsync(
            () => analyst.GetFromJsonAsync<JsonElement>("/api/v1/reports/kpis?facilityId=riverside-general", Ct),
            k => k.GetProperty("casesOpened").GetInt64() == 2 && k.GetProperty("acknowledged").GetInt64() == 1,
            "the reports to count two cases opened and one acknowledged", TimeSpan.FromSeconds(10));
        Assert.Equal(2, kpis.GetProperty("feedback").GetProperty("complaints").GetInt64());
        Assert.Equal(2, kpis.GetProperty("feedback").GetProperty("total").GetInt64());
        Assert.Equal(0, kpis.GetProperty("ratePer1000Discharges").GetProperty("discharges").GetInt64());
        Assert.False(kpis.GetProperty("ratePer1000Discharges").TryGetProperty("complaints", out _));
        Assert.Equal(2, kpis.GetProperty("backlog").EnumerateArray().Single(b => b.GetProperty("ageBand").GetString() == "0-2d").GetProperty("open").GetInt64());

        var elsewhere = await analyst.GetAsync("/api/v1/reports/kpis?facilityId=mesa-valley", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (_standalone is not null) await _standalone.DisposeAsync();
        await _host.DisposeAsync();
    }
}
