using System.Net;
using System.Net.Http.Json;

namespace PatientExperience.Gateway.Tests;

/// <summary>The survey service's routes: the public respond endpoints anonymous and rate-limited, everything else for staff.</summary>
public sealed class SurveyRoutingTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Token = "q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6Lr2E";

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task A_patient_opens_and_answers_a_survey_without_a_token_and_reaches_the_survey_service(string method)
    {
        var path = $"/api/v1/surveys/respond/{Token}";
        var (request, marker) = MarkedRequest.Create(new HttpMethod(method), path);
        if (method == "POST") request.Content = JsonContent.Create(new { answers = new { nps = 9 } });

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
        Assert.Equal(GatewayApp.SurveyClusterPrefix + path, Assert.Single(app.Backend.ReceivedFor(marker)).Path);
    }

    [Theory]
    [InlineData("GET", "/api/v1/surveys/results?facilityId=riverside-general")]
    [InlineData("GET", "/api/v1/surveys/invitations?facilityId=riverside-general")]
    [InlineData("GET", "/api/v1/surveys/outreach-consents?facilityId=riverside-general")]
    [InlineData("GET", "/api/v1/survey-definitions")]
    [InlineData("POST", "/api/v1/survey-definitions/nps/versions/2/publish")]
    [InlineData("GET", "/api/v1/facilities/riverside-general/survey-policy")]
    [InlineData("PUT", "/api/v1/facilities/riverside-general/survey-policy")]
    public async Task Survey_administration_and_results_need_a_staff_token_and_reach_the_survey_service(string method, string path)
    {
        await app.AssertStaffRouteReachesAsync(method, path, GatewayApp.SurveyClusterPrefix + path.Split('?')[0], "admin");
    }

    [Fact]
    public async Task The_sla_policy_beside_the_survey_policy_still_goes_to_the_case_service()
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/facilities/riverside-general/sla-policy");

        var response = await app.ClientWithToken(GatewayApp.TokenFor("admin")).SendAsync(request, Ct);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("/api/v1/facilities/riverside-general/sla-policy", Assert.Single(app.Backend.ReceivedFor(marker)).Path);
    }
}

/// <summary>Survey responses are a public form: limited per client like the feedback form.</summary>
public sealed class SurveyRateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_fourth_anonymous_survey_request_in_a_window_gets_429_and_is_not_forwarded()
    {
        await using var app = await GatewayApp.StartAsync("Development", new Dictionary<string, string?>
        {
            ["Gateway:PublicPermitLimit"] = "3",
            ["Gateway:PublicWindowSeconds"] = "3600",
        });
        var client = app.CreateClient();
        var marker = Guid.NewGuid().ToString("N");

        HttpRequestMessage Open()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/surveys/respond/q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6Lr2E");
            request.Headers.Add(RecordingBackend.MarkerHeader, marker);
            request.Headers.Add(GatewayApp.ClientIpHeader, "203.0.113.9");
            return request;
        }

        for (var i = 1; i <= 3; i++) Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Open(), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(Open(), Ct)).StatusCode);
        Assert.Equal(3, app.Backend.ReceivedFor(marker).Count);
    }
}

/// <summary>Each service's compliance audit API is reached under /api/v1/audit; the case service answers the bare path.</summary>
public sealed class AuditRoutingTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/v1/audit/survey", GatewayApp.SurveyClusterPrefix + "/api/v1/audit/survey")]
    [InlineData("/api/v1/audit/survey/verify", GatewayApp.SurveyClusterPrefix + "/api/v1/audit/survey/verify")]
    [InlineData("/api/v1/audit", "/api/v1/audit")]
    [InlineData("/api/v1/audit/verify", "/api/v1/audit/verify")]
    [InlineData("/api/v1/audit/intake/verify", "/api/v1/audit/intake/verify")]
    public async Task Audit_reads_need_a_staff_token_and_reach_the_service_that_keeps_the_chain(string path, string reached)
    {
        await app.AssertStaffRouteReachesAsync("GET", path, reached, "compliance");
    }

    [Fact]
    public async Task Nobody_writes_to_the_audit_through_the_gateway()
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Delete, "/api/v1/audit/intake");

        var response = await app.ClientWithToken(GatewayApp.TokenFor("admin")).SendAsync(request, Ct);

        Assert.False(response.IsSuccessStatusCode);
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }
}
