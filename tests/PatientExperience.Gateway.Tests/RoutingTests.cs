using System.Net;
using System.Text.Json;

namespace PatientExperience.Gateway.Tests;

/// <summary>Only the configured API routes reach the services; their health endpoints and anything unknown do not.</summary>
public sealed class RoutingTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/health/ready")]
    [InlineData("/health/live")]
    public async Task The_gateways_own_health_endpoints_answer_without_calling_a_service(string path)
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, path);

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("recording-backend", await response.Content.ReadAsStringAsync(Ct));
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    [Theory]
    [InlineData("GET", "/api/v1/health")]
    [InlineData("GET", "/api/v1/health/ready")]
    [InlineData("GET", "/api/v1/unknown")]
    [InlineData("GET", "/api/v2/cases")]
    [InlineData("GET", "/api/v1")]
    [InlineData("GET", "/api/v1/casesx")]
    [InlineData("GET", "/")]
    public async Task Paths_outside_the_routes_are_not_forwarded(string method, string path)
    {
        var (request, marker) = MarkedRequest.Create(new HttpMethod(method), path);

        var response = await app.ClientWithToken(GatewayApp.TokenFor("admin")).SendAsync(request, Ct);

        Assert.False(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}.");
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    [Theory]
    [InlineData("/api/v1/unknown")]
    [InlineData("/api/v1/health")]
    public async Task Unknown_paths_are_404_problem_details(string path)
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, path);

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    [Theory]
    [InlineData("DELETE", "/api/v1/feedback/submission-123")]
    [InlineData("PUT", "/api/v1/feedback")]
    public async Task Methods_a_route_does_not_allow_are_not_forwarded(string method, string path)
    {
        var (request, marker) = MarkedRequest.Create(new HttpMethod(method), path);

        var response = await app.ClientWithToken(GatewayApp.TokenFor("admin")).SendAsync(request, Ct);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    [Fact]
    public async Task The_facility_list_is_public_and_goes_to_the_case_service()
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/facilities");

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("recording-backend", body.RootElement.GetProperty("servedBy").GetString());
        Assert.Equal("/api/v1/facilities", Assert.Single(app.Backend.ReceivedFor(marker)).Path);
    }

    [Theory]
    [InlineData("POST", "/api/v1/facilities")]
    [InlineData("PUT", "/api/v1/facilities/riverside-general/sla-policy")]
    [InlineData("GET", "/api/v1/facilities/riverside-general/escalation-chain")]
    [InlineData("GET", "/api/v1/people/p-17")]
    [InlineData("POST", "/api/v1/cases/0f8fad5b-d9cb-469f-a165-70867728950e/acknowledge")]
    public async Task Directory_administration_and_case_actions_need_a_staff_token_and_reach_the_case_service(string method, string path)
    {
        await app.AssertStaffRouteReachesAsync(method, path, path, "admin");
    }

    [Theory]
    [InlineData("GET", "/api/v1/notifications/inbox")]
    [InlineData("GET", "/api/v1/notifications?caseId=0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("POST", "/api/v1/notifications/inbox/0f8fad5b-d9cb-469f-a165-70867728950e/read")]
    [InlineData("PUT", "/api/v1/notifications/preferences")]
    public async Task Notifications_need_a_staff_token_and_reach_the_notification_service(string method, string path)
    {
        await app.AssertStaffRouteReachesAsync(method, path, path.Split('?')[0], "department-head");
    }
}
