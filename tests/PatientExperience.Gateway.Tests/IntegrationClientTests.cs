using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Gateway.Tests;

/// <summary>
/// The EHR's FHIR feed is for integration clients only: an integration token reaches it and nothing else, and no staff token
/// reaches it. Checked at the gateway before forwarding (intake checks again).
/// </summary>
public sealed class IntegrationClientTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string IntegrationToken() =>
        SymmetricTokenIssuer.Issue(GatewayApp.Auth, "ehr-riverside", PlatformClaims.IntegrationRole, ["riverside-general"], DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    private static StringContent Fhir(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json"));

    public static TheoryData<string> FhirPaths => new() { "/api/v1/fhir", "/api/v1/fhir/Encounter" };

    [Theory]
    [MemberData(nameof(FhirPaths))]
    public async Task An_integration_token_posts_FHIR_to_intake_with_its_body_intact(string path)
    {
        const string json = """{"resourceType":"Bundle","type":"batch","entry":[]}""";
        var (request, marker) = MarkedRequest.Create(HttpMethod.Post, path, Fhir(json));

        var response = await app.ClientWithToken(IntegrationToken()).SendAsync(request, Ct);

        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        var forwarded = Assert.Single(app.Backend.ReceivedFor(marker));
        Assert.Equal(path, forwarded.Path);
        Assert.Equal(json, Encoding.UTF8.GetString(forwarded.Body));
        Assert.StartsWith("application/fhir+json", forwarded.Header("Content-Type"));
        Assert.StartsWith("Bearer ", forwarded.Header("Authorization"));
    }

    [Theory]
    [MemberData(nameof(FhirPaths))]
    public async Task No_staff_token_and_no_anonymous_caller_may_post_FHIR(string path)
    {
        var (anonymous, anonymousMarker) = MarkedRequest.Create(HttpMethod.Post, path, Fhir("{}"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().SendAsync(anonymous, Ct)).StatusCode);
        Assert.Empty(app.Backend.ReceivedFor(anonymousMarker));

        foreach (var role in PlatformClaims.Roles)
        {
            var (request, marker) = MarkedRequest.Create(HttpMethod.Post, path, Fhir("{}"));
            var response = await app.ClientWithToken(GatewayApp.TokenFor(role)).SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role}: {(int)response.StatusCode}");
            Assert.Empty(app.Backend.ReceivedFor(marker));
        }
    }

    [Theory]
    [InlineData("GET", "/api/v1/cases")]
    [InlineData("POST", "/api/v1/cases/case-123/acknowledge")]
    [InlineData("GET", "/api/v1/feedback/submission-123")]
    [InlineData("PUT", "/api/v1/facilities/riverside-general/sla-policy")]
    [InlineData("GET", "/api/v1/notifications/inbox")]
    public async Task An_integration_token_does_not_reach_staff_routes(string method, string path)
    {
        var (request, marker) = MarkedRequest.Create(new HttpMethod(method), path);

        var response = await app.ClientWithToken(IntegrationToken()).SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    [Fact]
    public async Task Only_POST_is_routed_to_the_feed()
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/fhir/Encounter/enc-1");

        var response = await app.ClientWithToken(IntegrationToken()).SendAsync(request, Ct);

        Assert.False(response.IsSuccessStatusCode);
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    [Fact]
    public async Task In_Development_the_token_endpoint_mints_an_integration_token_scoped_to_facilities_that_the_feed_accepts()
    {
        var client = app.CreateClient();

        var minted = await client.GetAsync("/dev/token?role=integration&facility=riverside-general,mesa-valley", Ct);

        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        using var body = JsonDocument.Parse(await minted.Content.ReadAsStringAsync(Ct));
        var token = body.RootElement.GetProperty("accessToken").GetString()!;
        var claims = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Claims.ToList();
        Assert.Equal(PlatformClaims.IntegrationRole, Assert.Single(claims, c => c.Type == PlatformClaims.Role).Value);
        Assert.Equal(["riverside-general", "mesa-valley"], claims.Where(c => c.Type == PlatformClaims.Facility).Select(c => c.Value));

        var (post, marker) = MarkedRequest.Create(HttpMethod.Post, "/api/v1/fhir", Fhir("{}"));
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.True((await client.SendAsync(post, Ct)).IsSuccessStatusCode);
        Assert.Single(app.Backend.ReceivedFor(marker));
        var (staff, staffMarker) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/cases");
        staff.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(staff, Ct)).StatusCode);
        Assert.Empty(app.Backend.ReceivedFor(staffMarker));
    }
}
