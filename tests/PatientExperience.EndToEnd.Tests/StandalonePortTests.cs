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
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxp-standalone-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _gateway = ServiceProcess.FreeTcpPort();
    private readonly int _services = ServiceProcess.FreeTcpPort();
    private readonly int _grpc = ServiceProcess.FreeTcpPort();
    private ServiceProcess? _standalone;

    private Uri Gateway => new($"http://localhost:{_gateway}");

    public async ValueTask InitializeAsync()
    {
        _standalone = ServiceProcess.Start("PatientExperience.Standalone", new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Standalone__GatewayPort"] = _gateway.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Standalone__ServicesPort"] = _services.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Standalone__GrpcPort"] = _grpc.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Storage__DataDirectory"] = _data,
            ["ConnectionStrings__rabbitmq"] = null,
            ["ConnectionStrings__mongo"] = null,
            ["Gateway__PublicPermitLimit"] = "2",
            ["Gateway__PublicWindowSeconds"] = "3600",
        }, "standalone");
        await _standalone.WaitUntilReadyAsync(new Uri(Gateway, "/health/ready"), TimeSpan.FromSeconds(60), Ct);
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
        var spoofed = $"localhost:{_services}";

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

    public async ValueTask DisposeAsync()
    {
        if (_standalone is not null) await _standalone.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
