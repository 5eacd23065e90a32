using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PatientExperience.Notification.Channels;

/// <summary>
/// SMS and pager through a provider's webhook: <c>POST {Url}</c> with a JSON body
/// <c>{"deliveryId","channel","to","text"}</c>, signed with HMAC-SHA256 over <c>"{timestamp}.{body}"</c> (the timestamp in
/// Unix seconds) and sent as <c>X-Signature: sha256=&lt;hex&gt;</c> and <c>X-Signature-Timestamp</c>, so the provider can check
/// the sender and refuse replays. <c>Idempotency-Key</c> is the delivery id: every attempt of one delivery carries the same.
/// 2xx delivered; 408, 429 and 5xx, timeouts and refused connections transient; any other status permanent. Redirects are
/// never followed (a 3xx is a permanent failure): the signed body goes to the configured URL or nowhere.
/// </summary>
internal sealed partial class WebhookTransport(string channel, WebhookOptions options, HttpClient http, TimeProvider clock, ILogger<WebhookTransport> logger) : IChannelTransport
{
    public const string TransportName = "webhook";
    public const string SignatureHeader = "X-Signature";
    public const string TimestampHeader = "X-Signature-Timestamp";

    /// <summary>
    /// The transports' own client: attempted once (retries are the delivery's own, durable and spaced out) and never
    /// following a redirect to wherever a compromised or misconfigured provider points.
    /// </summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    private readonly byte[] _secret = Encoding.UTF8.GetBytes(options.Secret ?? "");
    private readonly Uri _url = new(options.Url!);

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(message.To)) return SendOutcome.Permanent(TransportName, "no-address");
        var body = JsonSerializer.SerializeToUtf8Bytes(new { deliveryId = message.DeliveryId, channel, to = message.To, text = message.Body });
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, "sha256=" + Sign(_secret, timestamp, body));
        request.Headers.Add("Idempotency-Key", message.DeliveryId.ToString());

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return SendOutcome.Delivered(TransportName);
            var outcome = status is 408 or 429 or >= 500
                ? SendOutcome.Transient(TransportName, $"webhook-{status}")
                : SendOutcome.Permanent(TransportName, $"webhook-{status}");
            LogFailed(logger, message.DeliveryId, channel, outcome.Reason!);
            return outcome;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = e switch
            {
                OperationCanceledException => "timeout",
                HttpRequestException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } } => "connection-refused",
                _ => "connection-failed",
            };
            LogFailed(logger, message.DeliveryId, channel, reason);
            return SendOutcome.Transient(TransportName, reason);
        }
    }

    /// <summary>Lower-case hex of HMAC-SHA256(secret, "{timestamp}.{body}").</summary>
    public static string Sign(byte[] secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, data));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} on {Channel} via webhook failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, Guid deliveryId, string channel, string reason);
}
