using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PatientExperience.Testing;
using Yarp.ReverseProxy.Configuration;

namespace PatientExperience.LoadTest;

/// <summary>
/// HTTP baselines started in this process for the same run: a plain Kestrel endpoint that reads the body and answers 202
/// (what the machine's HTTP stack and this client can do at all), and a bare YARP proxy with the gateway's feedback route
/// (POST /api/v1/feedback) to the same backend as the gateway (intake), and nothing else: no authentication, rate limiting,
/// correlation, CORS or logging. Both share the cores with the load generator, as the platform does.
/// </summary>
internal sealed class HttpBaselines : IAsyncDisposable
{
    private readonly WebApplication _kestrel;
    private readonly WebApplication? _yarp;

    private HttpBaselines(WebApplication kestrel, Uri kestrelUri, WebApplication? yarp, Uri? yarpUri)
    {
        _kestrel = kestrel;
        Kestrel = kestrelUri;
        _yarp = yarp;
        Yarp = yarpUri;
    }

    public Uri Kestrel { get; }

    /// <summary>The bare proxy to intake (null when intake's own address is not known).</summary>
    public Uri? Yarp { get; }

    public static Task<HttpBaselines> StartAsync(Uri? intake, CancellationToken ct) =>
        StartAsync(TestPorts.Reserve(), intake is null ? null : TestPorts.Reserve(), intake, ct);

    /// <summary>
    /// Plain Kestrel on <paramref name="kestrelPort"/> and, with <paramref name="yarpPort"/>, bare YARP on it forwarding the
    /// feedback route to <paramref name="upstream"/> (null: to the plain Kestrel endpoint).
    /// </summary>
    public static async Task<HttpBaselines> StartAsync(int kestrelPort, int? yarpPort, Uri? upstream, CancellationToken ct)
    {
        var kestrel = Host(kestrelPort);
        kestrel.MapPost("/api/v1/feedback", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return Results.Accepted("/api/v1/feedback/00000000-0000-0000-0000-000000000000", new { submissionId = Guid.Empty });
        });
        await kestrel.StartAsync(ct);
        var kestrelUri = new Uri($"http://127.0.0.1:{kestrelPort}");

        WebApplication? yarp = null;
        Uri? yarpUri = null;
        if (yarpPort is { } port)
        {
            var destination = upstream ?? kestrelUri;
            yarp = Host(port, services => services.AddReverseProxy().LoadFromMemory(
                [new RouteConfig { RouteId = "feedback-submit", ClusterId = "intake", Match = new RouteMatch { Path = "/api/v1/feedback", Methods = ["POST"] } }],
                [new ClusterConfig { ClusterId = "intake", Destinations = new Dictionary<string, DestinationConfig> { ["primary"] = new() { Address = destination.ToString() } } }]));
            yarp.MapReverseProxy();
            await yarp.StartAsync(ct);
            yarpUri = new Uri($"http://127.0.0.1:{port}");
        }

        return new HttpBaselines(kestrel, kestrelUri, yarp, yarpUri);
    }

    /// <summary>
    /// <c>serve-baselines</c>: plain Kestrel and bare YARP forwarding to it, in this process until it is stopped; prints
    /// "baselines ready" once both listen.
    /// </summary>
    public static async Task ServeAsync(int kestrelPort, int yarpPort, CancellationToken ct)
    {
        await using var baselines = await StartAsync(kestrelPort, yarpPort, null, ct);
        Console.WriteLine("baselines ready");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static WebApplication Host(int port, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        await _kestrel.StopAsync();
        await _kestrel.DisposeAsync();
        if (_yarp is not null)
        {
            await _yarp.StopAsync();
            await _yarp.DisposeAsync();
        }
    }
}
