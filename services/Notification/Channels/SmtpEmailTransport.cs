using System.Collections.Concurrent;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace PatientExperience.Notification.Channels;

/// <summary>
/// Email over SMTP with MailKit, keeping up to <see cref="EmailOptions.MaxConnections"/> connections open and reusing them.
/// A reply code decides what happens next: 2xx delivered, 4xx transient, 5xx permanent; a refused or dropped connection, a
/// timeout or a TLS or authentication problem is transient (the server, or our configuration of it, will be fixed; the
/// message waits). The Message-Id is derived from the delivery id, so a receiver can tell a repeat after a lost reply.
/// </summary>
internal sealed partial class SmtpEmailTransport : IChannelTransport, IAsyncDisposable
{
    public const string TransportName = "smtp";

    private readonly SmtpConnection _connection;
    private readonly EmailOptions _options;
    /// <summary>The configured sender, copied into each message (never added to one itself).</summary>
    private readonly MailboxAddress _from;
    private readonly ILogger<SmtpEmailTransport> _logger;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<TrackedSmtpClient> _idle = [];

    public SmtpEmailTransport(SmtpConnection connection, IOptions<NotificationOptions> options, ILogger<SmtpEmailTransport> logger)
    {
        _connection = connection;
        _options = options.Value.Email;
        _from = MailboxAddress.Parse(_options.From);
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConnections, _options.MaxConnections);
    }

    public async Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (!MailboxAddress.TryParse(message.To, out var to) || string.IsNullOrEmpty(to.Address) || !to.Address.Contains('@'))
            return SendOutcome.Permanent(TransportName, "invalid-address");

        var mime = new MimeMessage();
        // A copy per message: an address list subscribes to its addresses' Changed event, so one address object shared by every
        // message would keep every message ever sent alive.
        mime.From.Add(new MailboxAddress(_from.Name, _from.Address));
        mime.To.Add(to);
        mime.Subject = message.Subject ?? "";
        mime.MessageId = $"{message.DeliveryId:N}@patient-experience";
        mime.Headers.Add("X-PXP-Delivery-Id", message.DeliveryId.ToString());
        mime.Body = new TextPart(MimeKit.Text.TextFormat.Plain) { Text = message.Body };

        await _slots.WaitAsync(cancellationToken);
        try
        {
            // A reused connection the server has since closed fails at once: try once more on a fresh one, but only if the
            // server had not yet accepted the sender. After that the connection was alive, and a failure (a lost or late reply
            // to the message's data) may follow a message the server took: sending it again at once would deliver it twice.
            for (var attempt = 0; ; attempt++)
            {
                var reused = _idle.TryTake(out var client);
                client ??= new TrackedSmtpClient();
                client.SenderAccepted = false;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
                try
                {
                    client.Timeout = _options.TimeoutSeconds * 1000;
                    if (!client.IsConnected)
                    {
                        await client.ConnectAsync(_connection.Host, _connection.Port, _connection.Security, timeout.Token);
                        if (_connection.UserName is not null) await client.AuthenticateAsync(_connection.UserName, _connection.Password ?? "", timeout.Token);
                    }

                    await client.SendAsync(mime, timeout.Token);
                    _idle.Add(client);
                    return SendOutcome.Delivered(TransportName);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    client.Dispose();
                    var outcome = Classify(e);
                    if (reused && attempt == 0 && !client.SenderAccepted && e is not SmtpCommandException) continue;
                    LogFailed(_logger, message.DeliveryId, _connection.ToString(), outcome.Reason ?? "", e.GetType().Name);
                    return outcome;
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    internal static SendOutcome Classify(Exception e) => e switch
    {
        SmtpCommandException c when (int)c.StatusCode is >= 400 and < 500 => SendOutcome.Transient(TransportName, $"smtp-{(int)c.StatusCode}"),
        SmtpCommandException c when (int)c.StatusCode is >= 500 and < 600 => SendOutcome.Permanent(TransportName, $"smtp-{(int)c.StatusCode}"),
        SmtpCommandException => SendOutcome.Transient(TransportName, "smtp-unexpected-reply"),
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => SendOutcome.Transient(TransportName, "connection-refused"),
        SocketException or IOException or ServiceNotConnectedException => SendOutcome.Transient(TransportName, "connection-failed"),
        SslHandshakeException => SendOutcome.Transient(TransportName, "tls-failed"),
        AuthenticationException => SendOutcome.Transient(TransportName, "smtp-authentication-failed"),
        SmtpProtocolException => SendOutcome.Transient(TransportName, "smtp-protocol-error"),
        OperationCanceledException or TimeoutException => SendOutcome.Transient(TransportName, "timeout"),
        _ => SendOutcome.Transient(TransportName, "smtp-error"),
    };

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var client))
        {
            try
            {
                if (client.IsConnected) await client.DisconnectAsync(quit: true, new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or SmtpProtocolException or ServiceNotConnectedException)
            {
                // Closing anyway.
            }

            client.Dispose();
        }
    }

    /// <summary>An SMTP client that tells whether the server accepted the sender of the message being sent.</summary>
    private sealed class TrackedSmtpClient : SmtpClient
    {
        public bool SenderAccepted { get; set; }

        protected override void OnSenderAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            SenderAccepted = true;
            base.OnSenderAccepted(message, mailbox, response);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email delivery {DeliveryId} via {SmtpServer} failed: {Reason} ({ExceptionType})")]
    private static partial void LogFailed(ILogger logger, Guid deliveryId, string smtpServer, string reason, string exceptionType);
}
