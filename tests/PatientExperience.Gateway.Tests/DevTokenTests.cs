using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PatientExperience.Gateway.Tests;

/// <summary><c>/dev/token</c> gives newcomers a working staff token in Development and does not exist anywhere else.</summary>
public sealed class DevTokenTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_caller_from_another_machine_gets_404_even_in_Development()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dev/token?role=admin&facility=*");
        request.Headers.Add(GatewayApp.ClientIpHeader, "203.0.113.9");

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("accessToken", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task A_caller_on_this_machine_gets_a_token(string address)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dev/token?role=admin&facility=*");
        request.Headers.Add(GatewayApp.ClientIpHeader, address);

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_tells_a_remote_caller_only_the_status_and_a_local_one_each_check()
    {
        using var remote = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        remote.Headers.Add(GatewayApp.ClientIpHeader, "203.0.113.9");
        using var local = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        local.Headers.Add(GatewayApp.ClientIpHeader, "127.0.0.1");

        using var remoteBody = JsonDocument.Parse(await (await app.CreateClient().SendAsync(remote, Ct)).Content.ReadAsStringAsync(Ct));
        using var localBody = JsonDocument.Parse(await (await app.CreateClient().SendAsync(local, Ct)).Content.ReadAsStringAsync(Ct));

        Assert.True(remoteBody.RootElement.TryGetProperty("status", out _));
        Assert.False(remoteBody.RootElement.TryGetProperty("checks", out _));
        Assert.True(localBody.RootElement.TryGetProperty("checks", out _));
    }

    [Fact]
    public async Task In_Development_it_issues_a_bearer_token_that_a_staff_route_accepts()
    {
        var client = app.CreateClient();

        var response = await client.GetAsync("/dev/token?role=unit-manager&facility=riverside-general", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var token = body.RootElement.GetProperty("accessToken").GetString();
        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal("Bearer", body.RootElement.GetProperty("tokenType").GetString());
        Assert.True(body.RootElement.GetProperty("expiresIn").GetInt32() > 0);

        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/cases");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var staffResponse = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, staffResponse.StatusCode);
        Assert.Equal($"Bearer {token}", Assert.Single(app.Backend.ReceivedFor(marker)).Header("Authorization"));
    }

    [Fact]
    public async Task The_default_token_is_for_patient_relations_at_every_facility()
    {
        var response = await app.CreateClient().GetAsync("/dev/token", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var payload = JwtPayload(body.RootElement.GetProperty("accessToken").GetString()!);
        Assert.Equal("patient-relations", payload.GetProperty("role").GetString());
        Assert.Equal("*", payload.GetProperty("facility").GetString());
    }

    [Fact]
    public async Task A_token_can_name_the_person_it_is_for()
    {
        var response = await app.CreateClient().GetAsync("/dev/token?role=department-head&facility=riverside-general&sub=rg-emergency-head", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var payload = JwtPayload(body.RootElement.GetProperty("accessToken").GetString()!);
        Assert.Equal("rg-emergency-head", payload.GetProperty("sub").GetString());
        Assert.Equal("department-head", payload.GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("sub=", "sub")]
    [InlineData("sub=a%20b", "sub")]
    [InlineData("role=janitor", "role")]
    [InlineData("role=", "role")]
    [InlineData("facility=,", "facility")]
    public async Task A_bad_request_gets_a_validation_problem(string query, string field)
    {
        var response = await app.CreateClient().GetAsync($"/dev/token?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"No error for '{field}'.");
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public async Task Outside_Development_it_does_not_exist(string environment)
    {
        await using var production = await GatewayApp.StartAsync(environment);
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, "/dev/token?role=admin");

        var response = await production.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("accessToken", await response.Content.ReadAsStringAsync(Ct));
        Assert.Empty(production.Backend.ReceivedFor(marker));
    }

    private static JsonElement JwtPayload(string token)
    {
        var part = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + (4 - part.Length % 4) % 4, '=');
        return JsonDocument.Parse(Convert.FromBase64String(part)).RootElement.Clone();
    }
}
