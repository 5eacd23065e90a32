using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientExperience.Messaging.Hosting;
using PatientExperience.Storage;

namespace PatientExperience.Messaging.Scheduling;

/// <summary>
/// Sends scheduled messages when they are due, then deletes them. Each message is first claimed with a lease (a version-checked
/// write that moves its <see cref="ScheduledMessageDocument.DueAt"/> to the end of the lease), so several replicas never send
/// the same message at once. It goes out with its token as the message id and in the <c>MT-Scheduling-TokenId</c> header: a
/// dispatcher that dies between sending and deleting sends it again after the lease (at least once), and consumers and state
/// machines recognise the repeat by its token. Each send starts a new trace linked to the one that scheduled the message
/// (<see cref="ScheduledMessageDocument.TraceParent"/>). Sleeps until the nearest due time, woken sooner when this process schedules a
/// nearer message, and never longer than <see cref="DurableSchedulerOptions.MaxWaitMs"/> (messages scheduled by other replicas).
/// </summary>
internal sealed partial class ScheduledMessageDispatcher : PollingBackgroundService
{
    private static readonly ActivitySource Source = new("PatientExperience");
    private static readonly Meter Meter = new("PatientExperience");
    private static readonly Histogram<double> Lateness = Meter.CreateHistogram<double>(
        "pxp.scheduler.lateness", "ms", "How long after its scheduled time a scheduled message was sent.");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>(
        "pxp.scheduler.send_failures", description: "Scheduled messages whose send failed and will be tried again.");
    private static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>(
        "pxp.scheduler.dead_lettered", description: "Scheduled messages given up on after the last attempt, kept in scheduled_messages_dead.");

    private readonly ScheduledMessageStore _store;
    private readonly IServiceProvider _services;
    private readonly DurableSchedulerOptions _options;
    private readonly ILogger<ScheduledMessageDispatcher> _logger;
    private readonly KeyValuePair<string, object?> _serviceTag;

    public ScheduledMessageDispatcher(ScheduledMessageStore store, IServiceProvider services, IOptions<DurableSchedulerOptions> options,
        IHostApplicationLifetime lifetime, ILogger<ScheduledMessageDispatcher> logger)
        : base(lifetime)
    {
        _store = store;
        _services = services;
        _options = options.Value;
        _logger = logger;
        _serviceTag = new("pxp.service", store.ServiceName);
    }

    private TimeProvider Time => _store.Time;

    private TimeSpan MaxWait => TimeSpan.FromMilliseconds(_options.MaxWaitMs);

    protected override bool Paused => _options.Paused;

    protected override void OnPaused() => LogPaused(_logger, _store.ServiceName);

    protected override Task RunPassAsync(CancellationToken stoppingToken) => DispatchAsync(stoppingToken);

    /// <summary>The store is unreachable: back off, bounded, and read again (sooner when this process schedules a message).</summary>
    protected override void OnPassFailed(Exception exception, int attempt) => LogStoreFailed(_logger, _store.ServiceName, exception.GetType().Name, attempt);

    protected override Task BackOffAsync(TimeSpan delay, CancellationToken stoppingToken) =>
        _store.Signal.SleepUntilAsync(Time.GetUtcNow() + delay, Time, stoppingToken);

    /// <summary>
    /// One read of the store, then its messages sent as each falls due. The read takes, in due order, up to a batch of the
    /// messages due before now plus <see cref="DurableSchedulerOptions.MaxWaitMs"/>; the dispatcher sleeps until each one's
    /// time, and reads again when the batch is done, when that bound passes, or when this process schedules a message due
    /// within what was read. A message read here but cancelled, rescheduled or taken by another dispatcher meanwhile fails its
    /// version-checked claim and is skipped: what was read is never sent as it was if it has changed since.
    /// </summary>
    internal async Task DispatchAsync(CancellationToken cancellationToken)
    {
        _store.Signal.Reading();
        var horizon = Time.GetUtcNow() + MaxWait;
        var page = await _store.Messages.QueryAsync(new DocumentQuery
        {
            Filters = [FieldFilter.Lt("dueAt", horizon)],
            SortBy = "dueAt",
            PageSize = _options.BatchSize,
        }, cancellationToken);
        var full = page.Items.Count == _options.BatchSize;
        _store.Signal.Covering(full ? page.Items[^1].Document.DueAt : horizon);

        foreach (var scheduled in page.Items)
        {
            // Never early: a timer may fire a moment before the wall clock reaches the due time.
            while (scheduled.Document.DueAt > Time.GetUtcNow())
            {
                if (await _store.Signal.SleepUntilAsync(scheduled.Document.DueAt, Time, cancellationToken)) return;
            }

            await DispatchOneAsync(scheduled, cancellationToken);
        }

        if (!full) await _store.Signal.SleepUntilAsync(horizon, Time, cancellationToken);
    }

    /// <summary>Claims, sends and deletes one due message. False when another dispatcher had it, or it was cancelled or rescheduled.</summary>
    private async Task<bool> DispatchOneAsync(Stored<ScheduledMessageDocument> scheduled, CancellationToken cancellationToken)
    {
        var message = scheduled.Document;
        Stored<ScheduledMessageDocument> claimed;
        try
        {
            claimed = await _store.Messages.ReplaceAsync(scheduled.Id, message with
            {
                DueAt = Time.GetUtcNow() + TimeSpan.FromSeconds(_options.LeaseSeconds),
                Attempts = message.Attempts + 1,
            }, scheduled.Version, [], cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            return false;
        }

        var tokenId = Guid.Parse(scheduled.Id);
        try
        {
            await SendAsync(tokenId, message, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping in the middle of a send: offer the message again at once rather than at the end of the lease, so the
            // next process (or another replica) is not held up. It may have gone out already: at least once.
            using var shortly = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await ReleaseAsync(claimed, TimeSpan.Zero, shortly.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        catch (Exception e) when (claimed.Document.Attempts >= _options.MaxAttempts)
        {
            await DeadLetterAsync(claimed, $"send failed {claimed.Document.Attempts} times, last with {e.GetType().Name}", cancellationToken);
            return false;
        }
        catch (Exception e)
        {
            Failures.Add(1, _serviceTag);
            var retryIn = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, claimed.Document.Attempts - 1)));
            LogSendFailed(_logger, _store.ServiceName, tokenId, message.MessageTypes.FirstOrDefault(), e.GetType().Name, claimed.Document.Attempts, retryIn.TotalSeconds);
            await ReleaseAsync(claimed, retryIn, cancellationToken);
            return false;
        }

        var latenessMs = (Time.GetUtcNow() - message.ScheduledTime).TotalMilliseconds;
        Lateness.Record(latenessMs, _serviceTag);
        LogSent(_logger, _store.ServiceName, tokenId, message.MessageTypes.FirstOrDefault(), message.Destination, latenessMs);

        // At the claimed version only: if it was rescheduled under the same token meanwhile, the new schedule stays.
        await _store.Messages.DeleteAsync(scheduled.Id, claimed.Version, cancellationToken);
        return true;
    }

    private async Task SendAsync(Guid tokenId, ScheduledMessageDocument message, CancellationToken cancellationToken)
    {
        // A timer fires later (minutes to days for SLA deadlines): what it causes is a trace of its own, whose first span links to
        // the trace that scheduled it (the concern's), rather than a child that would keep that trace open for days.
        var links = ActivityContext.TryParse(message.TraceParent, message.TraceState, isRemote: true, out var origin)
            ? new[] { new ActivityLink(origin) }
            : null;
        Activity.Current = null;
        using var activity = Source.StartActivity("scheduler send " + ShortName(message), ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag("messaging.message.id", tokenId.ToString());
        activity?.SetTag("pxp.service", _store.ServiceName);

        var destination = new Uri(message.Destination);
        var endpoint = await _services.GetRequiredService<IBus>().GetSendEndpoint(destination);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.SendTimeoutSeconds), Time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await endpoint.Send(new SerializedMessageBody(), new ForwardScheduledMessagePipe(tokenId, message, destination), bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No publisher confirm within {_options.SendTimeoutSeconds} s.");
        }
    }

    /// <summary>
    /// Gives up on a message: kept in <c>scheduled_messages_dead</c> under its token with the reason (no personal data: counts and
    /// exception types), then removed from the schedule at the claimed version. A crash in between leaves it in both, and the
    /// next attempt dead-letters it again under the same token.
    /// </summary>
    private async Task DeadLetterAsync(Stored<ScheduledMessageDocument> claimed, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await _store.DeadLetters.InsertAsync(claimed.Id, new DeadScheduledMessageDocument(claimed.Document, reason, Time.GetUtcNow()), [], cancellationToken);
        }
        catch (DuplicateDocumentException)
        {
            // Dead-lettered before a crash, or the token's earlier message: keep the first.
        }

        try
        {
            await _store.Messages.DeleteAsync(claimed.Id, claimed.Version, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            // Rescheduled under the same token meanwhile: the new schedule stays.
        }

        DeadLettered.Add(1, _serviceTag);
        LogDeadLettered(_logger, _store.ServiceName, Guid.Parse(claimed.Id), claimed.Document.MessageTypes.FirstOrDefault(), reason);
    }

    /// <summary>After a failed send, offers the message again after a back-off instead of at the end of the lease.</summary>
    private async Task ReleaseAsync(Stored<ScheduledMessageDocument> claimed, TimeSpan retryIn, CancellationToken cancellationToken)
    {
        try
        {
            await _store.Messages.ReplaceAsync(claimed.Id, claimed.Document with { DueAt = Time.GetUtcNow() + retryIn }, claimed.Version, [], cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            // Cancelled or rescheduled meanwhile: nothing to release.
        }
    }

    private static string ShortName(ScheduledMessageDocument message) =>
        message.MessageTypes.FirstOrDefault()?.Split(':').LastOrDefault() ?? "message";

    /// <summary>
    /// Turns the stored envelope back into a send: MassTransit's deserializer reads it, its ids and headers go on the send
    /// context, and the envelope itself becomes the body, as MassTransit's own schedulers forward a message.
    /// </summary>
    private sealed class ForwardScheduledMessagePipe(Guid tokenId, ScheduledMessageDocument message, Uri destination) : IPipe<SendContext>
    {
        public Task Send(SendContext context)
        {
            var deserializer = context.Serialization.GetMessageDeserializer(new ContentType(message.ContentType));
            var stored = deserializer.Deserialize(deserializer.GetMessageBody(message.Body.GetRawText()), EmptyHeaders.Instance, destination);

            context.RequestId = stored.RequestId ?? context.RequestId;
            context.CorrelationId = stored.CorrelationId ?? context.CorrelationId;
            context.ConversationId = stored.ConversationId ?? context.ConversationId;
            context.InitiatorId = stored.InitiatorId ?? context.InitiatorId;
            context.SourceAddress = stored.SourceAddress ?? context.SourceAddress;
            context.ResponseAddress = stored.ResponseAddress ?? context.ResponseAddress;
            context.FaultAddress = stored.FaultAddress ?? context.FaultAddress;
            if (stored.ExpirationTime is { } expires)
            {
                // A message that expired while it waited still goes, briefly, as MassTransit's own forwarding does.
                var left = expires.ToUniversalTime() - DateTime.UtcNow;
                context.TimeToLive = left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(1);
            }

            foreach (var header in stored.Headers.GetAll()) context.Headers.Set(header.Key, header.Value);

            // The token identifies the delivery: a repeat after a dispatcher died carries the same message id.
            context.MessageId = tokenId;
            context.Headers.Set(MessageHeaders.SchedulingTokenId, tokenId.ToString("D"));
            context.SupportedMessageTypes = [.. message.MessageTypes];
            context.Serializer = stored.GetMessageSerializer();
            return Task.CompletedTask;
        }

        public void Probe(ProbeContext context) => context.CreateScope("forwardScheduledMessage");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduler of {Service} is paused: scheduled messages are kept in the store until it is resumed")]
    private static partial void LogPaused(ILogger logger, string service);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduler of {Service} could not read its store ({ExceptionType}), attempt {Attempt}; retrying")]
    private static partial void LogStoreFailed(ILogger logger, string service, string exceptionType, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler of {Service} dead-lettered {TokenId} ({MessageType}): {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string service, Guid tokenId, string? messageType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduler of {Service} failed to send {TokenId} ({MessageType}): {ExceptionType}, attempt {Attempt}; retrying in {RetrySeconds} s")]
    private static partial void LogSendFailed(ILogger logger, string service, Guid tokenId, string? messageType, string exceptionType, int attempt, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduler of {Service} sent {TokenId} ({MessageType}) to {Destination}, {LatenessMs} ms after its time")]
    private static partial void LogSent(ILogger logger, string service, Guid tokenId, string? messageType, string destination, double latenessMs);
}
