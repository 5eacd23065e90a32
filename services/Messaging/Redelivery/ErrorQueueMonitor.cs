using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace PatientExperience.Messaging;

/// <summary>
/// How many messages wait in the <c>_error</c> queue of each receive endpoint of this process: the gauge
/// <c>pxp.messaging.error_queue.messages</c> (tag <c>messaging.destination.name</c>) and the readiness check
/// <c>error-queues</c>, Degraded while any of them holds a message (an operator looks, fixes, and moves them back with
/// <c>tools/ErrorQueue</c>; see docs/operations.md). Over RabbitMQ the counts are read from the broker every
/// <c>Messaging:ErrorQueues:PollSeconds</c> (a passive declare, so nothing is created); with the in-memory transport, whose
/// <c>_error</c> queues live and die with the process, they count the messages this process moved there.
/// </summary>
public sealed partial class ErrorQueueMonitor : BackgroundService, IHealthCheck
{
    private static readonly Meter Meter = new("PatientExperience");
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly RabbitMqUri? _broker;
    private readonly ErrorQueueOptions _options;
    private readonly ILogger<ErrorQueueMonitor> _logger;
    private readonly ObservableGauge<long> _gauge;
    private volatile bool _readFailed;
    private IConnection? _connection;

    public ErrorQueueMonitor(IOptions<MessagingOptions> options, ILogger<ErrorQueueMonitor> logger, RabbitMqUri? broker)
    {
        _broker = broker;
        _options = options.Value.ErrorQueues;
        _logger = logger;
        _gauge = Meter.CreateObservableGauge("pxp.messaging.error_queue.messages",
            () => _counts.Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("messaging.destination.name", c.Key + "_error"))),
            description: "Messages waiting in the _error queue of each receive endpoint of this process.");
    }

    /// <summary>The receive endpoints (queue names) of this process whose <c>_error</c> queues are watched.</summary>
    public IReadOnlyCollection<string> Queues => [.. _counts.Keys];

    /// <summary>Messages in <c>&lt;queue&gt;_error</c> at the last look, by receive endpoint.</summary>
    public IReadOnlyDictionary<string, long> Counts => new Dictionary<string, long>(_counts);

    internal void Track(string queue) => _counts.TryAdd(queue, 0);

    /// <summary>In-memory transport: this process just moved a message to the queue's <c>_error</c> queue.</summary>
    internal void MovedToErrorQueue(string queue)
    {
        if (_broker is null) _counts.AddOrUpdate(queue, 1, (_, n) => n + 1);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = _counts.Where(c => c.Value > 0).ToDictionary(c => c.Key + "_error", c => (object)c.Value);
        if (waiting.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded(
                $"{waiting.Values.Sum(v => (long)v)} message(s) wait in {waiting.Count} _error queue(s): see docs/operations.md", data: waiting));
        }

        return Task.FromResult(_readFailed
            ? HealthCheckResult.Degraded("The _error queues could not be read from the broker.")
            : HealthCheckResult.Healthy("No message waits in an _error queue."));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_broker is null) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.PollSeconds));
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
                _readFailed = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The broker is down or refuses us: keep the last counts, say so in the health check, try again next time.
                _readFailed = true;
                LogReadFailed(_logger, e.GetType().Name);
                await DropConnectionAsync();
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Reads every watched <c>_error</c> queue's message count from the broker now.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_broker is null) return;
        _connection ??= await ErrorQueues.ConnectAsync(_broker, "pxp-error-queue-monitor", cancellationToken);
        foreach (var queue in _counts.Keys)
        {
            _counts[queue] = await ErrorQueues.CountAsync(_connection, queue + ErrorQueues.Suffix, cancellationToken);
        }
    }

    private async Task DropConnectionAsync()
    {
        var connection = _connection;
        _connection = null;
        if (connection is not null) await connection.DisposeAsync().AsTask().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DropConnectionAsync();
    }

    public override void Dispose()
    {
        _connection?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the _error queues from the broker ({ExceptionType}); trying again")]
    private static partial void LogReadFailed(ILogger logger, string exceptionType);
}

/// <summary>
/// The <c>_error</c> queues of a RabbitMQ virtual host: how many messages each holds, and moving them back to the queue they
/// failed in once the cause is fixed (used by <c>tools/ErrorQueue</c> and the tests).
/// </summary>
public static class ErrorQueues
{
    public const string Suffix = "_error";

    /// <summary>Headers MassTransit and the platform add when a message fails; removed when it is moved back, so it starts afresh.</summary>
    private static bool IsFailureHeader(string key) =>
        key.StartsWith("MT-Fault-", StringComparison.Ordinal) || key is FailureReasons.Header or "MT-Reason" or "MT-Redelivery-Count";

    public static async Task<IConnection> ConnectAsync(RabbitMqUri broker, string clientName, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = broker.Host,
            Port = broker.Port,
            VirtualHost = broker.VirtualHost,
            UserName = broker.Username,
            Password = broker.Password,
            ClientProvidedName = clientName,
            AutomaticRecoveryEnabled = false,
        };
        if (broker.UseTls)
        {
            factory.Ssl.Enabled = true;
            factory.Ssl.ServerName = broker.Host;
        }

        return await factory.CreateConnectionAsync(cancellationToken);
    }

    /// <summary>Messages ready in <paramref name="queue"/>; 0 when it does not exist (nothing ever failed there).</summary>
    public static async Task<long> CountAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        // A passive declare of a missing queue closes its channel: one channel per look.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            return ok.MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> messages from <c>&lt;queue&gt;_error</c> back to <paramref name="queue"/>, oldest first,
    /// with their body, ids and headers except those that record the failure. Each is published with a publisher confirm before
    /// it is removed from <c>_error</c>, so a crash in between leaves a copy in both (consumers are idempotent), never in neither.
    /// Returns how many were moved.
    /// </summary>
    public static async Task<int> MoveBackAsync(IConnection connection, string queue, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        if (queue.EndsWith(Suffix, StringComparison.Ordinal)) queue = queue[..^Suffix.Length];
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        // Both must exist; a passive declare throws (404) otherwise, before anything moves.
        await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
        await channel.QueueDeclarePassiveAsync(queue + Suffix, cancellationToken);

        var moved = 0;
        while (moved < max)
        {
            var got = await channel.BasicGetAsync(queue + Suffix, autoAck: false, cancellationToken);
            if (got is null) break;
            var properties = new BasicProperties(got.BasicProperties)
            {
                Headers = got.BasicProperties.Headers?.Where(h => !IsFailureHeader(h.Key)).ToDictionary(h => h.Key, h => h.Value),
                Persistent = true,
            };
            // The default exchange routes straight to the queue by name.
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, got.Body, cancellationToken);
            await channel.BasicAckAsync(got.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }

        return moved;
    }
}

/// <summary>Bound from <c>Messaging:ErrorQueues</c>.</summary>
public sealed class ErrorQueueOptions
{
    /// <summary>How often the message counts of the <c>_error</c> queues are read from the broker.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int PollSeconds { get; set; } = 30;
}
