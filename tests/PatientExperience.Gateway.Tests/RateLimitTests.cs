using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PatientExperience.Gateway.Tests;

/// <summary>
/// Anonymous public forms are limited per client; staff routes are not. Each test starts its own gateway so the
/// limiter's windows never leak between tests.
/// </summary>
public sealed class RateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<GatewayApp> StartWithLimitOfThreeAsync() =>
        GatewayApp.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Gateway:PublicPermitLimit"] = "3",
            ["Gateway:PublicWindowSeconds"] = "3600",
        });

    private static HttpRequestMessage Concern(string marker, string? clientIp = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(new { facilityId = "riverside-general", description = "x" }) };
        request.Headers.Add(RecordingBackend.MarkerHeader, marker);
        if (clientIp is not null) request.Headers.Add(GatewayApp.ClientIpHeader, clientIp);
        return request;
    }

    [Fact]
    public async Task The_fourth_anonymous_concern_in_a_window_gets_429_problem_details_with_Retry_After_and_is_not_forwarded()
    {
        await using var app = await StartWithLimitOfThreeAsync();
        var client = app.CreateClient();
        var marker = Guid.NewGuid().ToString("N");

        for (var i = 1; i <= 3; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Concern(marker, "203.0.113.7"), Ct)).StatusCode);
        var fourth = await client.SendAsync(Concern(marker, "203.0.113.7"), Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal("application/problem+json", fourth.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await fourth.Content.ReadAsStringAsync(Ct));
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        var retryAfter = Assert.Single(fourth.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 3600);
        Assert.Equal(3, app.Backend.ReceivedFor(marker).Count);
    }

    [Fact]
    public async Task With_two_replicas_a_client_gets_half_the_limit_on_one_replica_then_429_with_Retry_After()
    {
        await using var app = await GatewayApp.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Gateway:PublicPermitLimit"] = "4",
            ["Gateway:PublicWindowSeconds"] = "3600",
            ["Gateway:RateLimits:Replicas"] = "2",
        });
        var client = app.CreateClient();
        var marker = Guid.NewGuid().ToString("N");

        for (var i = 1; i <= 2; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Concern(marker, "203.0.113.9"), Ct)).StatusCode);
        var third = await client.SendAsync(Concern(marker, "203.0.113.9"), Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.InRange(int.Parse(Assert.Single(third.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 1, 3600);
        Assert.Equal(2, app.Backend.ReceivedFor(marker).Count);
        // Another client has its own half.
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Concern(marker, "198.51.100.21"), Ct)).StatusCode);
    }

    [Fact]
    public async Task Staff_routes_are_not_limited_by_the_public_form_limit()
    {
        await using var app = await StartWithLimitOfThreeAsync();
        var anonymous = app.CreateClient();
        var marker = Guid.NewGuid().ToString("N");
        for (var i = 1; i <= 4; i++) await anonymous.SendAsync(Concern(marker), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await anonymous.SendAsync(Concern(marker), Ct)).StatusCode);

        var staff = app.ClientWithToken(GatewayApp.TokenFor("patient-relations"));
        for (var i = 1; i <= 5; i++)
        {
            var (request, staffMarker) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/cases");
            var response = await staff.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Single(app.Backend.ReceivedFor(staffMarker));
        }
    }

    [Fact]
    public async Task Each_client_has_its_own_allowance()
    {
        await using var app = await StartWithLimitOfThreeAsync();
        var client = app.CreateClient();
        var marker = Guid.NewGuid().ToString("N");
        for (var i = 1; i <= 3; i++) await client.SendAsync(Concern(marker, "203.0.113.7"), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(Concern(marker, "203.0.113.7"), Ct)).StatusCode);

        var fromAnotherClient = await client.SendAsync(Concern(marker, "198.51.100.20"), Ct);

        Assert.Equal(HttpStatusCode.Accepted, fromAnotherClient.StatusCode);
        Assert.Equal(4, app.Backend.ReceivedFor(marker).Count);
    }
}
