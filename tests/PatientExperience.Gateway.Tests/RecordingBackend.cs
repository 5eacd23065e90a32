using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PatientExperience.Gateway.Tests;

/// <summary>What the backend saw of one request the gateway forwarded.</summary>
public sealed record ForwardedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string[]> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var values) ? string.Join(",", values) : null;

    public string[] HeaderValues(string name) => Headers.TryGetValue(name, out var values) ? values : [];
}

/// <summary>
/// A real HTTP service on Kestrel (a free loopback port) standing in for intake and case. It records every request before
/// it answers, so once the gateway has answered a test, everything it forwarded for that test is already recorded.
/// Tests mark their requests with <see cref="MarkerHeader"/> and look only at their own records, so tests can share one backend.
/// </summary>
public sealed class RecordingBackend : IAsyncDisposable
{
    public const string MarkerHeader = "X-Test-Request";

    /// <summary>The backend also answers with a correlation header of its own, so tests can see the gateway keeps only one.</summary>
    public const string BackendCorrelationId = "set-by-the-backend";

    private readonly WebApplication _app;

    private RecordingBackend(WebApplication app) => _app = app;

    public ConcurrentQueue<ForwardedRequest> Requests { get; } = new();

    public Uri Address { get; private set; } = null!;

    public static async Task<RecordingBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var backend = new RecordingBackend(app);
        app.Run(backend.AnswerAsync);
        await app.StartAsync();
        backend.Address = new Uri(app.Urls.Single());
        return backend;
    }

    /// <summary>Requests the backend received that carry the marker.</summary>
    public IReadOnlyList<ForwardedRequest> ReceivedFor(string marker) =>
        Requests.Where(r => r.Header(MarkerHeader) == marker).ToList();

    private async Task AnswerAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.Select(v => v ?? "").ToArray(), StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new ForwardedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", headers, body.ToArray()));

        context.Response.StatusCode = HttpMethods.IsPost(context.Request.Method) ? StatusCodes.Status202Accepted : StatusCodes.Status200OK;
        context.Response.Headers["X-Correlation-Id"] = BackendCorrelationId;
        await context.Response.WriteAsJsonAsync(new { servedBy = "recording-backend", path = context.Request.Path.Value }, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
