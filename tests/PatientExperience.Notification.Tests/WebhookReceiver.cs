using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PatientExperience.Notification.Tests;

/// <summary>What the provider received: the parsed body and whether its signature checked out.</summary>
public sealed record WebhookCall(string Path, Guid DeliveryId, string Channel, string To, string Text, bool SignatureValid, string? IdempotencyKey, string RawBody);

/// <summary>
/// An SMS/pager provider's webhook on real Kestrel (127.0.0.1, a free port): checks <c>X-Signature: sha256=HMAC(secret,
/// "{timestamp}.{body}")</c> like a provider would, records each call and answers <see cref="Status"/> (200 by default).
/// A call with a bad signature is answered 401.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const string Secret = "test-webhook-secret-0123456789";
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<WebhookCall> _calls = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public string SmsUrl => new Uri(BaseAddress, "/sms").ToString();

    public string PagerUrl => new Uri(BaseAddress, "/pager").ToString();

    /// <summary>The status code to answer a call with (per call), 200 unless set.</summary>
    public Func<WebhookCall, int> Status { get; set; } = _ => 200;

    /// <summary>A <c>Location</c> to answer a call with (for redirects), none unless set.</summary>
    public Func<WebhookCall, string?> Location { get; set; } = _ => null;

    public IReadOnlyList<WebhookCall> Calls => [.. _calls];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{channel}", async (HttpContext http, string channel) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var timestamp = http.Request.Headers["X-Signature-Timestamp"].ToString();
            var signature = http.Request.Headers["X-Signature"].ToString();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "."), .. body]));
            var valid = timestamp.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(expected));
            using var json = JsonDocument.Parse(body);
            var call = new WebhookCall("/" + channel, json.RootElement.GetProperty("deliveryId").GetGuid(), json.RootElement.GetProperty("channel").GetString()!,
                json.RootElement.GetProperty("to").GetString()!, json.RootElement.GetProperty("text").GetString()!, valid,
                http.Request.Headers["Idempotency-Key"].ToString(), Encoding.UTF8.GetString(body));
            receiver._calls.Enqueue(call);
            if (receiver.Location(call) is { } location) http.Response.Headers.Location = location;
            return Results.StatusCode(valid ? receiver.Status(call) : 401);
        });
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public IReadOnlyList<WebhookCall> To(string number) => Calls.Where(c => c.To == number).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
