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
