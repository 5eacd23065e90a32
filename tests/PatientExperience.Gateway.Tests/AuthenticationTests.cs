using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Gateway.Tests;

/// <summary>The public form is open; everything staff read or change needs a valid token with a platform role, checked before forwarding.</summary>
public sealed class AuthenticationTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> StaffRoutes => new()
    {
        { "GET", "/api/v1/cases" },
        { "GET", "/api/v1/cases/case-123" },
        { "POST", "/api/v1/cases/case-123/acknowledge" },
        { "GET", "/api/v1/feedback/submission-123" },
    };

    [Fact]
    public async Task A_concern_is_forwarded_to_intake_without_a_token_with_its_body_intact()
    {
        var json = """{"facilityId":"riverside-general","channel":"web","description":"The night staff on 4 West were wonderful."}""";
        var (request, marker) = MarkedRequest.Create(HttpMethod.Post, "/api/v1/feedback?source=kiosk", new StringContent(json, Encoding.UTF8, "application/json"));

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var forwarded = Assert.Single(app.Backend.ReceivedFor(marker));
        Assert.Equal("POST", forwarded.Method);
        Assert.Equal("/api/v1/feedback", forwarded.Path);
        Assert.Equal("?source=kiosk", forwarded.Query);
        Assert.Equal(json, Encoding.UTF8.GetString(forwarded.Body));
        Assert.StartsWith("application/json", forwarded.Header("Content-Type"));
        Assert.Null(forwarded.Header("Authorization"));
    }

    [Theory]
    [MemberData(nameof(StaffRoutes))]
    public async Task Staff_routes_without_a_token_are_refused_at_the_gateway(string method, string path)
    {
        var (request, marker) = MarkedRequest.Create(new HttpMethod(method), path);

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    [Theory]
    [MemberData(nameof(StaffRoutes))]
    public async Task Staff_routes_with_a_staff_token_are_forwarded_with_the_token(string method, string path)
    {
        var token = GatewayApp.TokenFor("patient-relations");
        var (request, marker) = MarkedRequest.Create(new HttpMethod(method), path + "?status=open");

        var response = await app.ClientWithToken(token).SendAsync(request, Ct);

        Assert.True(response.IsSuccessStatusCode, $"Expected the backend's answer, got {(int)response.StatusCode}.");
        var forwarded = Assert.Single(app.Backend.ReceivedFor(marker));
        Assert.Equal(method, forwarded.Method);
        Assert.Equal(path, forwarded.Path);
        Assert.Equal("?status=open", forwarded.Query);
        Assert.Equal($"Bearer {token}", forwarded.Header("Authorization"));
    }

    [Theory]
    [InlineData("patient-relations")]
    [InlineData("advocate")]
    [InlineData("unit-manager")]
    [InlineData("department-head")]
    [InlineData("executive")]
    [InlineData("compliance")]
    [InlineData("analyst")]
    [InlineData("admin")]
    public async Task Every_platform_role_may_use_staff_routes(string role)
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/cases");

        var response = await app.ClientWithToken(GatewayApp.TokenFor(role)).SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(app.Backend.ReceivedFor(marker));
    }

    [Theory]
    [InlineData("visitor")]
    [InlineData("Admin")]
    [InlineData("")]
    public async Task A_valid_token_without_a_platform_role_is_forbidden_and_not_forwarded(string role)
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/cases/case-123");

        var response = await app.ClientWithToken(GatewayApp.TokenFor(role)).SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    [Theory]
    [InlineData("expired an hour ago")]
    [InlineData("signed with another key")]
    [InlineData("for another audience")]
    [InlineData("from another issuer")]
    [InlineData("not yet valid")]
    [InlineData("unsigned (alg none)")]
    [InlineData("signed with the right key but another algorithm (HS384)")]
    [InlineData("not an access token (typ id+jwt)")]
    [InlineData("not a token at all")]
    public async Task An_invalid_token_is_unauthorized_and_not_forwarded(string kind)
    {
        var now = DateTimeOffset.UtcNow;
        var token = kind switch
        {
            "expired an hour ago" => GatewayApp.TokenFor("admin", issuedAt: now.AddHours(-2), lifetime: TimeSpan.FromHours(1)),
            "signed with another key" => GatewayApp.TokenFor("admin", signedWith: new AuthOptions { SigningKey = Convert.ToBase64String(Encoding.UTF8.GetBytes("another-key-that-is-32-bytes-long!!")) }),
            "for another audience" => GatewayApp.TokenFor("admin", signedWith: new AuthOptions { SigningKey = GatewayApp.SigningKey, Audience = "someone-elses-api" }),
            "from another issuer" => GatewayApp.TokenFor("admin", signedWith: new AuthOptions { SigningKey = GatewayApp.SigningKey, Issuer = "someone-else" }),
            "not yet valid" => GatewayApp.TokenFor("admin", issuedAt: now.AddHours(1)),
            "unsigned (alg none)" => Unsigned("""{"alg":"none","typ":"JWT"}""",
                $$"""{"sub":"x","role":"admin","iss":"patient-experience","aud":"patient-experience-api","exp":{{now.AddHours(1).ToUnixTimeSeconds()}}}"""),
            "signed with the right key but another algorithm (HS384)" => Signed(SecurityAlgorithms.HmacSha384, "JWT", now),
            "not an access token (typ id+jwt)" => Signed(SecurityAlgorithms.HmacSha256, "id+jwt", now),
            _ => "not-a-jwt",
        };
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/cases");

        var response = await app.ClientWithToken(token).SendAsync(request, Ct);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"A token {kind} got {(int)response.StatusCode}.");
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    [Theory]
    [InlineData("/api/v1/cases")] // a staff route
    [InlineData("/api/v1/facilities")] // a public route
    public async Task A_service_to_service_token_is_refused_on_every_route_and_not_forwarded(string path)
    {
        var auth = new AuthOptions { SigningKey = GatewayApp.SigningKey };
        var serviceToken = SymmetricTokenIssuer.Issue(auth, "svc-notification", "patient-relations", ["riverside-general"],
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10), auth.ServiceAudience);
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, path);

        var response = await app.ClientWithToken(serviceToken).SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    [Fact]
    public async Task A_token_in_another_scheme_is_unauthorized()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin")));
        var (request, marker) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/cases");

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(app.Backend.ReceivedFor(marker));
    }

    private static string Unsigned(string header, string payload) =>
        $"{Base64Url(header)}.{Base64Url(payload)}.";

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A token that is right in every claim, signed with the gateway's own key, with the algorithm and type given.</summary>
    private static string Signed(string algorithm, string type, DateTimeOffset now) =>
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "patient-experience",
            Audience = "patient-experience-api",
            Claims = new Dictionary<string, object> { ["sub"] = "x", ["role"] = "admin", ["facility"] = "*" },
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.AddHours(1).UtcDateTime,
            TokenType = type,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Convert.FromBase64String(GatewayApp.SigningKey)) { KeyId = "platform-hs256" }, algorithm),
        });
}
