using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpServerHost = SmtpServer.SmtpServer;

namespace PatientExperience.Testing.Smtp;

/// <summary>A message the test SMTP server accepted, parsed.</summary>
public sealed record ReceivedEmail(string From, IReadOnlyList<string> To, string Subject, string Body, string MessageId, DateTimeOffset ReceivedAt);

/// <summary>
/// A real SMTP server in the test process (the SmtpServer library) on 127.0.0.1 and a fixed port, without TLS or
/// authentication. It can be stopped (connections are then refused) and started again on the same port, and told to answer
/// a recipient with a chosen reply (a 4xx or 5xx) instead of accepting the message.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedEmail> _received = new();
    private readonly Lock _lock = new();
    private SmtpServerHost? _server;
    private CancellationTokenSource? _stop;
    private Task? _running;

    private TestSmtpServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>For <c>ConnectionStrings:smtp</c>.</summary>
    public string ConnectionString => $"smtp://127.0.0.1:{Port}?tls=none";

    public IReadOnlyList<ReceivedEmail> Received => [.. _received];

    /// <summary>Decides the reply to each recipient: null accepts; otherwise the reply is sent and the recipient refused.</summary>
    public Func<string, SmtpResponse?> RecipientPolicy { get; set; } = _ => null;

    /// <summary>How long the server waits, after it has stored a message, before it answers the client (a slow or lost reply).</summary>
    public TimeSpan ReplyDelay { get; set; } = TimeSpan.Zero;

    public bool IsRunning { get { lock (_lock) return _server is not null; } }

    /// <summary>Starts a server on a free port (or the given one).</summary>
    public static TestSmtpServer Start(int? port = null)
    {
        var server = new TestSmtpServer(port ?? ServiceProcess.FreeTcpPort());
        server.StartListening();
        return server;
    }

    /// <summary>Starts listening again on the same port after <see cref="StopAsync"/>.</summary>
    public void StartListening()
    {
        lock (_lock)
        {
            if (_server is not null) return;
            var options = new SmtpServerOptionsBuilder()
                .ServerName("pxp-test-smtp")
                .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
                .Build();
            var services = new SmtpServer.ComponentModel.ServiceProvider();
            services.Add(new Store(this));
            services.Add(new Filter(this));
            _server = new SmtpServerHost(options, services);
            _stop = new CancellationTokenSource();
            _running = _server.StartAsync(_stop.Token);
        }
    }

    /// <summary>Stops listening: new connections are refused until <see cref="StartListening"/>.</summary>
    public async Task StopAsync()
    {
        SmtpServerHost? server;
        Task? running;
        lock (_lock)
        {
            server = _server;
            running = _running;
            _server = null;
            _running = null;
            _stop?.Cancel();
        }

        if (server is null) return;
        server.Shutdown();
        try
        {
            if (running is not null) await running.ConfigureAwait(false);
            await server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public IReadOnlyList<ReceivedEmail> To(string address) =>
        Received.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).ToList();

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private sealed class Store(TestSmtpServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
            owner._received.Enqueue(new ReceivedEmail(
                transaction.From.AsAddress(),
                transaction.To.Select(t => t.AsAddress()).ToList(),
                message.Subject ?? "",
                message.TextBody ?? message.HtmlBody ?? "",
                message.MessageId ?? "",
                DateTimeOffset.UtcNow));
            if (owner.ReplyDelay > TimeSpan.Zero) await Task.Delay(owner.ReplyDelay, cancellationToken).ConfigureAwait(false);
            return SmtpResponse.Ok;
        }
    }

    private sealed class Filter(TestSmtpServer owner) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            if (owner.RecipientPolicy(to.AsAddress()) is { } refusal) throw new SmtpResponseException(refusal);
            return Task.FromResult(true);
        }
    }
}
