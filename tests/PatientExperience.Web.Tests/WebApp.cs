using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PatientExperience.Web.Tests;

/// <summary>
/// The web front end in memory, its gateway replaced by <see cref="FakeGateway"/>: what the pages send to the API and how they
/// show its answers, without the services.
/// </summary>
public sealed class WebApp : WebApplicationFactory<Program>
{
    public const string SigningKey = "d2ViLXRlc3RzLXNpZ25pbmcta2V5LTMyLWJ5dGVzLWxvbmchISE=";
    public const string GatewayBaseUrl = "http://gateway.test";

    public FakeGateway Gateway { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Web:GatewayBaseUrl", GatewayBaseUrl);
        builder.ConfigureLogging(l => l.ClearProviders());
        builder.ConfigureTestServices(services =>
            services.AddHttpClient(WebModule.GatewayClient).ConfigurePrimaryHttpMessageHandler(() => Gateway));
    }

    /// <summary>A browser-like client: keeps cookies (antiforgery, language), does not follow redirects by itself.</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
}

/// <summary>The gateway as the pages see it: canned answers per method and path, and every request it received.</summary>
public sealed class FakeGateway : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Func<HttpRequestMessage, string?, HttpResponseMessage>> _answers = new(StringComparer.Ordinal);

    public ConcurrentQueue<Received> Requests { get; } = new();

    public sealed record Received(HttpMethod Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string? Body);

    public void Answer(string method, string path, HttpStatusCode status, string? json = null, string contentType = "application/json") =>
        _answers[$"{method} {path}"] = (_, _) => Json(status, json, contentType);

    public void Answer(string method, string path, Func<HttpRequestMessage, string?, HttpResponseMessage> answer) => _answers[$"{method} {path}"] = answer;

    public IEnumerable<Received> To(string method, string path) => Requests.Where(r => r.Method.Method == method && r.PathAndQuery.Split('?')[0] == path);

    public static HttpResponseMessage Json(HttpStatusCode status, string? json, string contentType = "application/json") => new(status)
    {
        Content = json is null ? new ByteArrayContent([]) : new StringContent(json, Encoding.UTF8, contentType),
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new Received(request.Method, request.RequestUri!.PathAndQuery, headers, body));
        var key = $"{request.Method.Method} {request.RequestUri!.AbsolutePath}";
        return _answers.TryGetValue(key, out var answer)
            ? answer(request, body)
            : Json(HttpStatusCode.NotFound, """{"title":"Not found.","status":404}""", "application/problem+json");
    }
}
