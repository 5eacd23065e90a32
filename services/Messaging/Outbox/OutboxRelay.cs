using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientExperience.Messaging.Hosting;
using PatientExperience.Storage;

namespace PatientExperience.Messaging.Outbox;

/// <summary>
/// Publishes the messages a service's store committed, oldest first, each with its outbox id as the message id, then removes
/// them. A crash between publish and removal publishes again (at least once); consumers are idempotent. Woken at once by
/// writes, and polls as a fallback (several replicas, or messages left by a crashed process).
/// </summary>
internal sealed partial class OutboxRelay : PollingBackgroundService
{
    private static readonly ActivitySource Source = new("PatientExperience");
    private readonly IDocumentStore _store;
    private readonly IServiceProvider _services;
    private readonly OutboxRelayOptions _options;
    private readonly ILogger<OutboxRelay> _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);

    public OutboxRelay(string serviceName, IServiceProvider services, IOptions<MessagingOptions> options, IHostApplicationLifetime lifetime, ILogger<OutboxRelay> logger)
        : base(lifetime)
    {
        _services = services;
        _store = services.GetRequiredKeyedService<IDocumentStore>(serviceName);
        _options = options.Value.Outbox;
        _logger = logger;
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

    protected override void OnPassFailed(Exception exception, int attempt) => LogFailed(_logger, _store.Name, exception.GetType().Name, attempt);

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
    /// </summary>
    private async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        var batch = await _store.Outbox.ClaimAsync(_options.BatchSize, TimeSpan.FromSeconds(_options.LeaseSeconds), cancellationToken);
        if (batch.Count == 0) return 0;
        var bus = _services.GetRequiredService<IBus>();
        var byDocument = batch.GroupBy(p => (p.Collection, p.DocumentId)).Select(g => g.ToList());
        await Parallel.ForEachAsync(byDocument, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentDocuments, CancellationToken = cancellationToken },
            async (messages, ct) =>
            {
                foreach (var pending in messages)
                {
                    await PublishAsync(bus, pending.Message, ct);
                    await _store.Outbox.MarkPublishedAsync(pending, ct);
                }
            });
        return batch.Count;
    }

    private const int MaxConcurrentDocuments = 32;

    private async Task PublishAsync(IBus bus, OutboxMessage message, CancellationToken cancellationToken)
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
        await bus.Publish(payload, type, Pipe.Execute<PublishContext>(ctx => ctx.MessageId = message.Id), cancellationToken);
    }

    public override void Dispose()
    {
        _store.Outbox.MessagesAdded -= Wake;
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Service} is paused: messages are kept in the store until it is resumed")]
    private static partial void LogPaused(ILogger logger, string service);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Service} failed to publish ({ExceptionType}), attempt {Attempt}; retrying")]
    private static partial void LogFailed(ILogger logger, string service, string exceptionType, int attempt);
}
