using System.Net;
using System.Net.Http.Json;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// In standalone mode the gateway and the services share one process: which endpoints answer is decided by the port the
/// connection arrived on, never by the Host header a client writes.
/// </summary>
public sealed class StandalonePortTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly StandaloneHost _host = new("standalone-ports", new Dictionary<string, string?>
    {
        ["Gateway__PublicPermitLimit"] = "2",
        ["Gateway__PublicWindowSeconds"] = "3600",
    });

    private Uri Gateway => _host.Gateway;

    public async ValueTask InitializeAsync()
    {
        await _host.StartAsync();
        // Ready is not yet "intake has read the directory": until it has, a concern is a 503. Wait for that on the services' own
        // port, which the gateway's rate limit does not count, so the tests below start with the whole limit.
        using var direct = new HttpClient();
        await Eventually.UntilAsync(async () =>
        {
            using var request = Concern("localhost");
            request.RequestUri = new Uri($"http://localhost:{_host.ServicesPort}/api/v1/feedback");
            return (await direct.SendAsync(request, Ct)).StatusCode != HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(60), "intake to have read the directory", Ct);
    }

    private HttpRequestMessage Concern(string host) => new(HttpMethod.Post, new Uri(Gateway, "/api/v1/feedback"))
    {
        Content = JsonContent.Create(ConcernToCaseTests.Concern()),
        Headers = { Host = host },
    };

    [Fact]
    public async Task A_Host_header_naming_the_services_port_does_not_get_around_the_gateways_rate_limit()
    {
        using var client = new HttpClient();
        var spoofed = $"localhost:{_host.ServicesPort}";

        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Concern(spoofed), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Concern(spoofed), Ct)).StatusCode);
        var third = await client.SendAsync(Concern(spoofed), Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task The_gateway_answers_whatever_host_name_an_ingress_in_front_of_it_forwards()
    {
        using var client = new HttpClient();

        var response = await client.SendAsync(Concern("patient-experience.hospital.example"), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
