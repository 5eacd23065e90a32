using System.Net;

namespace PatientExperience.Gateway.Tests;

/// <summary>
/// The web front end's routes: the patient pages, the console and Blazor's own paths go to the web cluster without a token
/// (the pages are public; the console signs staff in itself); the API beside them still goes to the services.
/// </summary>
public sealed class WebRoutingTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("GET", "/feedback")]
    [InlineData("POST", "/feedback")]
    [InlineData("GET", "/surveys/q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6Lr2E")]
    [InlineData("POST", "/surveys/q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6Lr2E")]
    [InlineData("GET", "/status/q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6Lr2E")]
    [InlineData("POST", "/status/q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6Lr2E")]
    [InlineData("GET", "/console")]
    [InlineData("GET", "/console/cases/5f0c7a52-2d55-4d6f-a6a4-6b0b4f7c1d11")]
    [InlineData("GET", "/assets/app.css")]
    [InlineData("GET", "/_framework/blazor.web.js")]
    [InlineData("GET", "/_content/SomeLibrary/styles.css")]
    [InlineData("POST", "/_blazor/negotiate")]
    public async Task Pages_and_their_assets_reach_the_web_front_end_without_a_token(string method, string path)
    {
        var (request, marker) = MarkedRequest.Create(new HttpMethod(method), path);

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode}");
        Assert.Equal(GatewayApp.WebClusterPrefix + path, Assert.Single(app.Backend.ReceivedFor(marker)).Path);
    }

    [Fact]
    public async Task The_survey_api_beside_the_survey_page_still_goes_to_the_survey_service()
    {
        var path = "/api/v1/surveys/respond/q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6Lr2E";
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, path);

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(GatewayApp.SurveyClusterPrefix + path, Assert.Single(app.Backend.ReceivedFor(marker)).Path);
    }

    [Fact]
    public async Task A_page_the_front_end_does_not_serve_is_not_forwarded()
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, "/feedbackx");

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }
}
