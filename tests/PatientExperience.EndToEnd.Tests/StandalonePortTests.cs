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

    // No wait beyond "ready": the standalone host is ready only once intake has read the facility directory
    // (AddIntakeDirectoryReadiness), so the first concern each test sends is taken (before that, it could be a 503).
    public async ValueTask InitializeAsync() => await _host.StartAsync();

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
