using System.Net;

namespace PatientExperience.Gateway.Tests;

/// <summary>Browser front ends from the configured origins may call the API and read the correlation id; others may not.</summary>
public sealed class CorsTests : IAsyncLifetime
{
    private const string Console = "https://console.example.org";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private GatewayApp _app = null!;

    public async ValueTask InitializeAsync() =>
        _app = await GatewayApp.StartAsync("Development", new Dictionary<string, string?> { ["Gateway:AllowedOrigins:0"] = Console });

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/feedback");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_is_answered_by_the_gateway()
    {
        var response = await _app.CreateClient().SendAsync(Preflight(Console), Ct);

        Assert.True(response.IsSuccessStatusCode, $"Preflight got {(int)response.StatusCode}.");
        Assert.Equal(Console, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.DoesNotContain(_app.Backend.Requests, r => r.Method == "OPTIONS");
    }

    [Fact]
    public async Task A_preflight_from_another_origin_is_not_allowed()
    {
        var response = await _app.CreateClient().SendAsync(Preflight("https://evil.example.com"), Ct);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task An_allowed_origin_can_read_the_correlation_id()
    {
        var (request, _) = MarkedRequest.Create(HttpMethod.Get, "/api/v1/facilities");
        request.Headers.Add("Origin", Console);

        var response = await _app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Console, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("X-Correlation-Id", string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.OrdinalIgnoreCase);
    }
}
