using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Gateway.Tests;

/// <summary>
/// The gateway's real pipeline and routes under TestServer, with both clusters (intake and case) pointed at one
/// <see cref="RecordingBackend"/> of its own. Settings given to <see cref="StartAsync"/> override the defaults; a null value leaves a
/// setting out. As a class fixture it runs in the Development environment with a public limit high enough that tests never meet it.
/// </summary>
public sealed class GatewayApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string SigningKey = "dGVzdC1vbmx5LXNpZ25pbmcta2V5LWZvci1nYXRld2F5LXRlc3RzLTMyLWJ5dGVz";

    /// <summary>Test-only header from which the test server sets the caller's IP address (TestServer has none).</summary>
    public const string ClientIpHeader = "X-Test-Client-Ip";

    private readonly string _environment;
    private readonly Dictionary<string, string?> _settings;
    private volatile Exception? _startupFailure;

    public GatewayApp() : this("Development", new Dictionary<string, string?> { ["Gateway:PublicPermitLimit"] = "100000" })
    {
    }

    private GatewayApp(string environment, IReadOnlyDictionary<string, string?> settings)
    {
        _environment = environment;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Auth:SigningKey"] = SigningKey };
        foreach (var (key, value) in settings) _settings[key] = value;
    }

    /// <summary>Starts a backend and a gateway in front of it; dispose both with <c>await using</c>.</summary>
    /// <param name="onKestrel">Serve the gateway on Kestrel (a free loopback port) instead of TestServer, for what only a real server enforces.</param>
    public static async Task<GatewayApp> StartAsync(string environment, IReadOnlyDictionary<string, string?>? settings = null, bool onKestrel = false)
    {
        var app = new GatewayApp(environment, settings ?? new Dictionary<string, string?>());
        if (onKestrel) app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await app.InitializeAsync();
        return app;
    }

    /// <summary>The path prefix under which requests routed to the survey cluster reach the backend.</summary>
    public const string SurveyClusterPrefix = "/survey-cluster";

    /// <summary>The path prefix under which requests routed to the reporting cluster reach the backend.</summary>
    public const string ReportingClusterPrefix = "/reporting-cluster";

    /// <summary>The path prefix under which requests routed to the web front end's cluster reach the backend.</summary>
    public const string WebClusterPrefix = "/web-cluster";

    public RecordingBackend Backend { get; private set; } = null!;

    public static AuthOptions Auth => new() { SigningKey = SigningKey };

    public async ValueTask InitializeAsync()
    {
        Backend = await RecordingBackend.StartAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        var address = Backend.Address.ToString();
        // Every cluster of gateway.routes.json (services added later included) reaches the recording backend.
        var routes = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "gateway.routes.json")))!;
        foreach (var (cluster, _) in routes["ReverseProxy"]!["Clusters"]!.AsObject())
            builder.UseSetting($"ReverseProxy:Clusters:{cluster}:Destinations:primary:Address", address);
        // The survey cluster reaches the same backend under a path prefix, so tests can tell that a route chose it.
        builder.UseSetting("ReverseProxy:Clusters:survey:Destinations:primary:Address", address.TrimEnd('/') + SurveyClusterPrefix + "/");
        builder.UseSetting("ReverseProxy:Clusters:reporting:Destinations:primary:Address", address.TrimEnd('/') + ReportingClusterPrefix + "/");
        builder.UseSetting("ReverseProxy:Clusters:web:Destinations:primary:Address", address.TrimEnd('/') + WebClusterPrefix + "/");
        foreach (var (key, value) in _settings)
            if (value is not null) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.ClearProviders());
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter, ClientIpFromTestHeader>();
            RecordStartupValidationFailures(services);
        });
    }

    /// <summary>
    /// When the host fails to start, the program's <c>app.Run()</c> disposes it while WebApplicationFactory may still be about to
    /// read its services; the factory then throws ObjectDisposedException instead of the start-up failure (a race in
    /// Microsoft.AspNetCore.Mvc.Testing's DeferredHost). The validator below records the real failure so it is what the test sees.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        try
        {
            return base.CreateHost(builder);
        }
        catch (ObjectDisposedException) when (_startupFailure is not null)
        {
            ExceptionDispatchInfo.Throw(_startupFailure);
            throw;
        }
    }

    private void RecordStartupValidationFailures(IServiceCollection services)
    {
        var validator = services.LastOrDefault(d => d.ServiceType == typeof(IStartupValidator));
        if (validator?.ImplementationType is not { } type) return;
        services.Remove(validator);
        services.AddTransient<IStartupValidator>(sp => new RecordingStartupValidator((IStartupValidator)ActivatorUtilities.CreateInstance(sp, type), this));
    }

    private sealed class RecordingStartupValidator(IStartupValidator inner, GatewayApp app) : IStartupValidator
    {
        public void Validate()
        {
            try
            {
                inner.Validate();
            }
            catch (Exception e)
            {
                app._startupFailure = e;
                throw;
            }
        }
    }

    /// <summary>
    /// A staff-only route: without a token the gateway answers 401 and forwards nothing; with a token for
    /// <paramref name="role"/> the request succeeds and reaches the backend at <paramref name="reached"/> (the path, without
    /// its query, under the cluster's prefix).
    /// </summary>
    public async Task AssertStaffRouteReachesAsync(string method, string path, string reached, string role = "admin")
    {
        var ct = TestContext.Current.CancellationToken;
        var (anonymous, anonymousMarker) = MarkedRequest.Create(new HttpMethod(method), path);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CreateClient().SendAsync(anonymous, ct)).StatusCode);
        Assert.Empty(Backend.ReceivedFor(anonymousMarker));

        var (request, marker) = MarkedRequest.Create(new HttpMethod(method), path);
        var response = await ClientWithToken(TokenFor(role)).SendAsync(request, ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} as {role}: {(int)response.StatusCode}");
        Assert.Equal(reached, Assert.Single(Backend.ReceivedFor(marker)).Path);
    }

    /// <summary>A signed token as the platform's identity provider would issue it.</summary>
    public static string TokenFor(string role, DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null, AuthOptions? signedWith = null) =>
        SymmetricTokenIssuer.Issue(signedWith ?? Auth, $"test-{role}", role, ["*"], issuedAt ?? DateTimeOffset.UtcNow, lifetime ?? TimeSpan.FromHours(1));

    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Backend is not null) await Backend.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private sealed class ClientIpFromTestHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientIpHeader].ToString(), out var ip)) context.Connection.RemoteIpAddress = ip;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>Builds requests that carry a fresh marker, so a test can ask the backend what it received for exactly that request.</summary>
public static class MarkedRequest
{
    public static (HttpRequestMessage Request, string Marker) Create(HttpMethod method, string path, HttpContent? content = null)
    {
        var marker = Guid.NewGuid().ToString("N");
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(RecordingBackend.MarkerHeader, marker);
        return (request, marker);
    }
}
