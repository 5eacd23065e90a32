using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace PatientExperience.Gateway.Tests;

/// <summary>A service that is down is a temporary outage: 503 with Retry-After, not 502.</summary>
public sealed class UnavailableServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A loopback address nothing listens on (a port taken from the OS, then given back).</summary>
    private static string ClosedAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/";
    }

    [Fact]
    public async Task When_intake_cannot_be_reached_a_concern_is_answered_503_with_retry_after_and_a_problem_that_names_no_address()
    {
        var closed = ClosedAddress();
        await using var app = await GatewayApp.StartAsync("Development", new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:intake:Destinations:primary:Address"] = closed,
            ["Gateway:UnavailableRetryAfterSeconds"] = "7",
            ["Gateway:PublicPermitLimit"] = "1000",
        });

        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", new { facilityId = "riverside-general" }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"status\":503", body);
        Assert.DoesNotContain(closed.TrimEnd('/'), body);
        Assert.DoesNotContain("127.0.0.1", body);
    }

    [Fact]
    public async Task A_service_that_answers_is_not_affected()
    {
        await using var app = await GatewayApp.StartAsync("Development", new Dictionary<string, string?> { ["Gateway:PublicPermitLimit"] = "1000" });

        var response = await app.CreateClient().GetAsync("/api/v1/facilities", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
    }
}
