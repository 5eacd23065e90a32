using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace PatientExperience.Notification.Channels;

/// <summary>A message a channel without a server or provider kept for a developer to read.</summary>
public sealed record DevMailboxMessage(Guid DeliveryId, string Channel, string To, string? Subject, string Body, DateTimeOffset At);

/// <summary>
/// Where email, SMS and pages go when no SMTP server or provider webhook is configured (standalone mode, development), so
/// nothing is silently dropped: kept in memory, newest last, up to <see cref="NotificationOptions.DevMailboxCapacity"/>, and
/// shown at <c>GET /dev/mailbox</c> in Development only.
/// </summary>
public sealed partial class DevMailbox(IOptions<NotificationOptions> options, TimeProvider clock, ILogger<DevMailbox> logger)
{
    private readonly ConcurrentQueue<DevMailboxMessage> _messages = new();

    public IReadOnlyList<DevMailboxMessage> Messages => [.. _messages];

    internal IChannelTransport For(string channel) => new Transport(this, channel);

    private void Add(OutgoingMessage message)
    {
        _messages.Enqueue(new DevMailboxMessage(message.DeliveryId, message.Channel, message.To, message.Subject, message.Body, clock.GetUtcNow()));
        while (_messages.Count > options.Value.DevMailboxCapacity && _messages.TryDequeue(out _)) { }
        LogKept(logger, message.DeliveryId, message.Channel);
    }

    private sealed class Transport(DevMailbox mailbox, string channel) : IChannelTransport
    {
        public const string TransportName = "dev-mailbox";

        public Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(message.To)) return Task.FromResult(SendOutcome.Permanent(TransportName, "no-address"));
            mailbox.Add(message with { Channel = channel });
            return Task.FromResult(SendOutcome.Delivered(TransportName));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Channel}) kept in the development mailbox (no server or provider configured)")]
    private static partial void LogKept(ILogger logger, Guid deliveryId, string channel);
}

/// <summary>The transport of each push channel, as configured: SMTP and webhooks, or the development mailbox.</summary>
public sealed class ChannelTransports : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, IChannelTransport> _transports;

    internal ChannelTransports(IReadOnlyDictionary<string, IChannelTransport> transports) => _transports = transports;

    public async ValueTask DisposeAsync()
    {
        foreach (var transport in _transports.Values.OfType<IAsyncDisposable>()) await transport.DisposeAsync();
    }

    internal IChannelTransport For(string channel) =>
        _transports.TryGetValue(channel, out var t) ? t : throw new InvalidOperationException($"No transport for channel '{channel}'.");

    /// <summary>Which transport each channel uses (for the start-up log and the readiness details).</summary>
    public IReadOnlyDictionary<string, string> Describe() => _transports.ToDictionary(p => p.Key, p => p.Value switch
    {
        SmtpEmailTransport => SmtpEmailTransport.TransportName,
        WebhookTransport => WebhookTransport.TransportName,
        NotConfiguredTransport => NotConfiguredTransport.TransportName,
        _ => "dev-mailbox",
    });
}
