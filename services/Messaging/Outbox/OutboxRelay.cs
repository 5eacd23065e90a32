using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientExperience.Messaging.Hosting;
using PatientExperience.Storage;

namespace PatientExperience.Messaging.Outbox;

/// <summary>Every document of a relay's batch failed to publish (the broker is down, most likely).</summary>
internal sealed class OutboxPublishException(Exception inner) : Exception("No message of the batch could be published.", inner);

/// <summary>
/// Publishes the messages a service's store committed, oldest first, each with its outbox id as the message id, then removes
/// them. A crash between publish and removal publishes again (at least once); consumers are idempotent. Woken at once by
/// writes, and polls as a fallback (several replicas, or messages left by a crashed process).
/// </summary>
internal sealed partial class OutboxRelay : PollingBackgroundService
{
    private static readonly ActivitySource Source = new("PatientExperience");
    private static readonly System.Diagnostics.Metrics.Meter Meter = new("PatientExperience");
    private static readonly System.Diagnostics.Metrics.Counter<long> DeadLettered = Meter.CreateCounter<long>(
        "pxp.outbox.dead_lettered", description: "Outbox messages that could never be published, kept in the store's dead letters with the reason.");
    private readonly TimeProvider _time;
    private int _consecutiveFailures;
    private readonly IDocumentStore _store;
    private readonly IServiceProvider _services;
    private readonly OutboxRelayOptions _options;
    private readonly ILogger<OutboxRelay> _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly IOutboxPublishedObserver[] _observers;

    public OutboxRelay(string serviceName, IServiceProvider services, IOptions<MessagingOptions> options, IHostApplicationLifetime lifetime, ILogger<OutboxRelay> logger)
        : base(lifetime)
    {
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _services = services;
        _store = services.GetRequiredKeyedService<IDocumentStore>(serviceName);
        _options = options.Value.Outbox;
        _logger = logger;
        _observers = [.. services.GetServices<IOutboxPublishedObserver>()];
        _store.Outbox.MessagesAdded += Wake;
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try { _wake.Release(); } catch (SemaphoreFullException) { }
        }
    }

    protected override bool Paused => _options.Paused;

    protected override void OnPaused() => LogPaused(_logger, _store.Name);

    protected override void OnPassFailed(Exception exception, int attempt) =>
        LogFailed(_logger, _store.Name, (exception as OutboxPublishException)?.InnerException?.GetType().Name ?? exception.GetType().Name, attempt);

    /// <summary>Publishes a batch; when it was not full, waits for a write to wake it or the poll interval to pass.</summary>
    protected override async Task RunPassAsync(CancellationToken stoppingToken)
    {
        var published = await PublishBatchAsync(stoppingToken);
        if (published < _options.BatchSize)
        {
            await ((Task)_wake.WaitAsync(TimeSpan.FromMilliseconds(_options.PollIntervalMs), stoppingToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Publishes a claimed batch. The messages of one document go out one after another, in the order they were written;
    /// different documents' messages go out concurrently, so one broker round trip (publisher confirm) does not wait for another.
    /// What was published is removed from the store in one write at the end of the pass (not one write per message: the
    /// store's writes are serialised, and per-message deletes competed with the service's own writes for every message); they
    /// stay leased until then, so no other relay takes them, and a crash before that write publishes them again (at least once,
    /// as before). A message that can never be published is dead-lettered and its document goes on; when a publish fails, the
    /// rest of that document's messages are offered again after a back-off (and no later message of it overtakes them), while
    /// other documents go on. The pass fails, and the relay backs off, only when every document with something to publish failed.
    /// </summary>
    private async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        var batch = await _store.Outbox.ClaimAsync(_options.BatchSize, TimeSpan.FromSeconds(_options.LeaseSeconds), cancellationToken);
        if (batch.Count == 0) return 0;
        var bus = _services.GetRequiredService<IBus>();
        var byDocument = batch.GroupBy(p => (p.Collection, p.DocumentId)).Select(g => g.ToList()).ToList();
        var failed = 0;
        Exception? lastFailure = null;
        var published = new System.Collections.Concurrent.ConcurrentQueue<(PendingOutboxMessage Pending, object Payload)>();
        try
        {
            await Parallel.ForEachAsync(byDocument, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentDocuments, CancellationToken = cancellationToken },
                async (messages, ct) =>
                {
                    for (var i = 0; i < messages.Count; i++)
                    {
                        var pending = messages[i];
                        if (Unpublishable(pending.Message) is { } reason)
                        {
                            await _store.Outbox.DeadLetterAsync(pending, reason, ct);
                            DeadLettered.Add(1, new KeyValuePair<string, object?>("pxp.service", _store.Name));
                            LogDeadLettered(_logger, _store.Name, pending.Message.Id, pending.Collection, reason);
                            continue;
                        }

                        object payload;
                        try
                        {
                            payload = await PublishAsync(bus, pending.Message, ct);
                        }
                        catch (Exception e) when (!ct.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref failed);
                            lastFailure = e;
                            var attempt = Interlocked.Increment(ref _consecutiveFailures);
                            await _store.Outbox.ReleaseAsync(messages[i..], _time.GetUtcNow() + PollingBackgroundService.BackOffAfter(attempt), ct);
                            LogPublishFailed(_logger, _store.Name, pending.Message.Id, e.GetType().Name);
                            return;
                        }

                        published.Enqueue((pending, payload));
                    }
                });
        }
        finally
        {
            // Also when the host stops mid-pass: what went out is not published again after a restart.
            if (!published.IsEmpty)
            {
                await _store.Outbox.MarkPublishedAsync([.. published.Select(p => p.Pending)], CancellationToken.None);
                foreach (var (_, payload) in published) Observe(payload);
            }
        }

        if (failed == 0) Interlocked.Exchange(ref _consecutiveFailures, 0);
        if (failed == byDocument.Count && lastFailure is not null) throw new OutboxPublishException(lastFailure);
        return batch.Count;
    }

    /// <summary>Why a message can never be published (its type is not known here, its payload does not read), or null.</summary>
    private static string? Unpublishable(OutboxMessage message)
    {
        if (Type.GetType(message.MessageType, throwOnError: false) is not { } type) return $"message type '{message.MessageType}' is not known to this process";
        try
        {
            _ = OutboxMessages.Deserialize(message, type);
            return null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            // The exception's type only: its message may quote the payload.
            return $"payload does not deserialise as {type.Name} ({e.GetType().Name})";
        }
    }

    private const int MaxConcurrentDocuments = 32;

    private void Observe(object published)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.Published(_store.Name, published);
            }
            catch (Exception e)
            {
                LogObserverFailed(_logger, _store.Name, observer.GetType().Name, e.GetType().Name);
            }
        }
    }

    private async Task<object> PublishAsync(IBus bus, OutboxMessage message, CancellationToken cancellationToken)
    {
        var type = OutboxMessages.ResolveType(message.MessageType);
        var payload = OutboxMessages.Deserialize(message, type);
        ActivityContext.TryParse(
            message.Headers.GetValueOrDefault(OutboxMessages.TraceParentHeader),
            message.Headers.GetValueOrDefault(OutboxMessages.TraceStateHeader),
            isRemote: true,
            out var parent);
        using var activity = Source.StartActivity("outbox relay " + type.Name, ActivityKind.Internal, parent);
        activity?.SetTag("messaging.message.id", message.Id.ToString());
        activity?.SetTag("pxp.service", _store.Name);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.PublishTimeoutSeconds), _time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await bus.Publish(payload, type, Pipe.Execute<PublishContext>(ctx => ctx.MessageId = message.Id), bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No publisher confirm within {_options.PublishTimeoutSeconds} s.");
        }

        return payload;
    }

    public override void Dispose()
    {
        _store.Outbox.MessagesAdded -= Wake;
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Service}: observer {Observer} failed ({ExceptionType}); publishing goes on")]
    private static partial void LogObserverFailed(ILogger logger, string service, string observer, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Service} is paused: messages are kept in the store until it is resumed")]
    private static partial void LogPaused(ILogger logger, string service);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox relay of {Service} dead-lettered message {MessageId} of {Collection}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string service, Guid messageId, string collection, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Service} could not publish message {MessageId} ({ExceptionType}); it and the later messages of its document are offered again after a back-off")]
    private static partial void LogPublishFailed(ILogger logger, string service, Guid messageId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Service} failed to publish ({ExceptionType}), attempt {Attempt}; retrying")]
    private static partial void LogFailed(ILogger logger, string service, string exceptionType, int attempt);
}
