using System.Net;
using System.Net.Http.Json;

namespace PatientExperience.Gateway.Tests;

/// <summary>Outreach events: the RSVP link anonymous and rate-limited like the survey form, event administration for staff only.</summary>
public sealed class OutreachRoutingTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Token = "q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6Lr2E";

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task An_invitee_opens_and_answers_an_rsvp_link_without_a_token_and_reaches_the_survey_service(string method)
    {
        var path = $"/api/v1/outreach/rsvp/{Token}";
        var (request, marker) = MarkedRequest.Create(new HttpMethod(method), path);
        if (method == "POST") request.Content = JsonContent.Create(new { attending = true });

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
        Assert.Equal(GatewayApp.SurveyClusterPrefix + path, Assert.Single(app.Backend.ReceivedFor(marker)).Path);
    }

    [Theory]
    [InlineData("GET", "/api/v1/outreach/events?facilityId=riverside-general")]
    [InlineData("POST", "/api/v1/outreach/events")]
    [InlineData("GET", "/api/v1/outreach/events/3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("POST", "/api/v1/outreach/events/3f2504e0-4f89-11d3-9a0c-0305e82c3301/recruit")]
    [InlineData("PUT", "/api/v1/outreach/events/3f2504e0-4f89-11d3-9a0c-0305e82c3301/improvement-actions")]
    public async Task Outreach_event_administration_needs_a_staff_token_and_reaches_the_survey_service(string method, string path)
    {
        await app.AssertStaffRouteReachesAsync(method, path, GatewayApp.SurveyClusterPrefix + path.Split('?')[0], "patient-relations");
    }

    [Fact]
    public async Task The_fourth_anonymous_rsvp_request_in_a_window_gets_429_and_is_not_forwarded()
    {
        await using var limited = await GatewayApp.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Gateway:PublicPermitLimit"] = "3",
            ["Gateway:PublicWindowSeconds"] = "3600",
        });
        var client = limited.CreateClient();
        var marker = Guid.NewGuid().ToString("N");

        HttpRequestMessage Answer()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/outreach/rsvp/{Token}") { Content = JsonContent.Create(new { attending = true }) };
            request.Headers.Add(RecordingBackend.MarkerHeader, marker);
            request.Headers.Add(GatewayApp.ClientIpHeader, "203.0.113.10");
            return request;
        }

        for (var i = 1; i <= 3; i++) Assert.True((await client.SendAsync(Answer(), Ct)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(Answer(), Ct)).StatusCode);
        Assert.Equal(3, limited.Backend.ReceivedFor(marker).Count);
    }
}
