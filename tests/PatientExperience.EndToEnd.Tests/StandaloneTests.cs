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
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxp-standalone-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _gateway = ServiceProcess.FreeTcpPort();
    private readonly int _services = ServiceProcess.FreeTcpPort();
    private readonly int _grpc = ServiceProcess.FreeTcpPort();
    private ServiceProcess? _standalone;

    private Uri Gateway => new($"http://localhost:{_gateway}");

    private Dictionary<string, string?> Environment() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Standalone__GatewayPort"] = _gateway.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Standalone__ServicesPort"] = _services.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Standalone__GrpcPort"] = _grpc.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Storage__DataDirectory"] = _data,
        ["ConnectionStrings__rabbitmq"] = null,
        ["ConnectionStrings__mongo"] = null,
    };

    public async ValueTask InitializeAsync()
    {
        _standalone = ServiceProcess.Start("PatientExperience.Standalone", Environment(), "standalone");
        await _standalone.WaitUntilReadyAsync(new Uri(Gateway, "/health/ready"), TimeSpan.FromSeconds(60), Ct);
    }

    [Fact]
    public async Task One_process_takes_a_concern_to_a_case_and_keeps_it_across_a_restart()
    {
        Assert.Contains(_standalone!.Lines, l => l.Contains(_data, StringComparison.Ordinal)); // the data folder is printed at start
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
        try
        {
            if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
