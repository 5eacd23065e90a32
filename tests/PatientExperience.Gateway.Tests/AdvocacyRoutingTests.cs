using System.Net;
using System.Net.Http.Json;

namespace PatientExperience.Gateway.Tests;

/// <summary>
/// The case service's advocacy routes: the complainant's status page and its messages anonymous and rate-limited like the
/// other public forms; the roster, assignment policy and staff messages for staff only.
/// </summary>
public sealed class AdvocacyRoutingTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Token = "Zt0q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6L";

    [Theory]
    [InlineData("GET", "/api/v1/public/cases/" + Token)]
    [InlineData("POST", "/api/v1/public/cases/" + Token + "/messages")]
    public async Task A_complainant_reaches_their_status_page_and_writes_without_a_token(string method, string path)
    {
        var (request, marker) = MarkedRequest.Create(new HttpMethod(method), path);
        if (method == "POST") request.Content = JsonContent.Create(new { text = "Any news?" });

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
        Assert.Equal(path, Assert.Single(app.Backend.ReceivedFor(marker)).Path);
    }

    [Theory]
    [InlineData("DELETE", "/api/v1/public/cases/" + Token)]
    [InlineData("GET", "/api/v1/public/cases/" + Token + "/messages")]
    [InlineData("GET", "/api/v1/public/cases")]
    public async Task Nothing_else_under_the_public_case_path_is_forwarded(string method, string path)
    {
        var (request, marker) = MarkedRequest.Create(new HttpMethod(method), path);

        var response = await app.ClientWithToken(GatewayApp.TokenFor("admin")).SendAsync(request, Ct);

        Assert.False(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    [Theory]
    [InlineData("GET", "/api/v1/advocates?facilityId=riverside-general")]
    [InlineData("GET", "/api/v1/advocates/rg-advocate/reassignment-candidates")]
    [InlineData("GET", "/api/v1/facilities/riverside-general/assignment-policy")]
    [InlineData("PUT", "/api/v1/facilities/riverside-general/assignment-policy")]
    [InlineData("GET", "/api/v1/cases/0196f1c2-0000-7000-8000-000000000001/messages")]
    [InlineData("POST", "/api/v1/cases/0196f1c2-0000-7000-8000-000000000001/messages")]
    [InlineData("POST", "/api/v1/cases/0196f1c2-0000-7000-8000-000000000001/status-link/revoke")]
    public async Task Advocacy_administration_and_staff_messages_need_a_staff_token_and_reach_the_case_service(string method, string path)
    {
        await app.AssertStaffRouteReachesAsync(method, path, path.Split('?')[0], "admin");
    }
}

/// <summary>The status page is a public form: limited per client like the feedback and survey forms.</summary>
public sealed class StatusPageRateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_fourth_anonymous_status_page_request_in_a_window_gets_429_and_is_not_forwarded()
    {
        await using var app = await GatewayApp.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Gateway:PublicPermitLimit"] = "3",
            ["Gateway:PublicWindowSeconds"] = "3600",
        });
        var client = app.CreateClient();
        var marker = Guid.NewGuid().ToString("N");

        HttpRequestMessage Open(int i)
        {
            var request = i % 2 == 0
                ? new HttpRequestMessage(HttpMethod.Get, "/api/v1/public/cases/Zt0q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6L")
                : new HttpRequestMessage(HttpMethod.Post, "/api/v1/public/cases/Zt0q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6L/messages") { Content = JsonContent.Create(new { text = "Hello" }) };
            request.Headers.Add(RecordingBackend.MarkerHeader, marker);
            request.Headers.Add(GatewayApp.ClientIpHeader, "203.0.113.27");
            return request;
        }

        for (var i = 1; i <= 3; i++) Assert.True((await client.SendAsync(Open(i), Ct)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(Open(4), Ct)).StatusCode);
        Assert.Equal(3, app.Backend.ReceivedFor(marker).Count);
    }
}
