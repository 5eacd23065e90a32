using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientExperience.Messaging.Scheduling;
using PatientExperience.Storage;

namespace PatientExperience.Messaging.Telemetry;

/// <summary>A store whose outbox this process relays (registered by <c>AddOutboxRelay</c>), so its backlog is measured.</summary>
internal sealed record OutboxMetricsSource(string ServiceName);

/// <summary>
/// The observable gauges of the messaging pipeline, per service (tag <c>pxp.service</c>), read from the store through its port
/// every <c>Messaging:Metrics:SampleSeconds</c> (the gauges report the last reading, so an exporter never waits on a database):
/// <list type="bullet">
/// <item><c>pxp.outbox.pending</c>: committed events not yet published (leased ones included);</item>
/// <item><c>pxp.outbox.oldest_age</c> (s): how long the oldest of them has waited, 0 when none (alert OutboxStalled above 60 s);</item>
/// <item><c>pxp.scheduler.pending</c>: durable timers waiting (saga deadlines, redeliveries, notification retries).</item>
/// </list>
/// Every replica reports the same store's numbers: aggregate with <c>max</c>, not <c>sum</c>.
/// </summary>
internal sealed partial class PipelineMetrics : BackgroundService
{
    private readonly List<(string Service, IOutbox Outbox)> _outboxes;
    private readonly ScheduledMessageStore? _scheduler;
    private readonly TimeProvider _time;
    private readonly MetricsOptions _options;
    private readonly ILogger<PipelineMetrics> _logger;
    private readonly Dictionary<string, OutboxBacklog> _backlogs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long? _timersPending;

    public PipelineMetrics(IServiceProvider services, IMeterFactory meters, IOptions<MessagingOptions> options, TimeProvider time, ILogger<PipelineMetrics> logger)
    {
        _outboxes = [.. services.GetServices<OutboxMetricsSource>().Select(s => s.ServiceName).Distinct(StringComparer.Ordinal)
            .Select(name => (name, services.GetRequiredKeyedService<IDocumentStore>(name).Outbox))];
        _scheduler = services.GetService<ScheduledMessageStore>();
        _time = time;
        _options = options.Value.Metrics;
        _logger = logger;
        var meter = meters.Create(MessagingTelemetry.Name);
        meter.CreateObservableGauge("pxp.outbox.pending", () => Read(b => b.Pending), "{message}",
            "Events committed to the service's store and not yet published by the outbox relay.");
        meter.CreateObservableGauge("pxp.outbox.oldest_age", () => Read(b => b.OldestAge(_time.GetUtcNow()).TotalSeconds), "s",
            "How long the oldest unpublished event of the service's outbox has waited (0 when none waits).");
        meter.CreateObservableGauge("pxp.scheduler.pending", ReadTimers, "{message}",
            "Scheduled messages (durable timers) waiting in the service's store.");
    }

    private IEnumerable<Measurement<T>> Read<T>(Func<OutboxBacklog, T> value) where T : struct
    {
        lock (_gate)
        {
            return [.. _backlogs.Select(b => new Measurement<T>(value(b.Value), new KeyValuePair<string, object?>("pxp.service", b.Key)))];
        }
    }

    private IEnumerable<Measurement<long>> ReadTimers()
    {
        long? pending;
        lock (_gate) pending = _timersPending;
        if (_scheduler is null || pending is null) return [];
        return [new Measurement<long>(pending.Value, new KeyValuePair<string, object?>("pxp.service", _scheduler.ServiceName))];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_outboxes.Count == 0 && _scheduler is null) return;
        // Wall-clock cadence: how often to read, not business time (the age itself is measured on the service's clock).
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.SampleSeconds));
        do
        {
            await SampleAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        while (await NextAsync(timer, stoppingToken));
    }

    private static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken stoppingToken)
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

    /// <summary>Reads every backlog and the timers now; a store that cannot be read keeps its last reading (and is logged).</summary>
    internal async Task SampleAsync(CancellationToken cancellationToken)
    {
        foreach (var (service, outbox) in _outboxes)
        {
            try
            {
                var backlog = await outbox.BacklogAsync(cancellationToken);
                lock (_gate) _backlogs[service] = backlog;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogReadFailed(_logger, service, "outbox", e.GetType().Name);
            }
        }

        if (_scheduler is null) return;
        try
        {
            var pending = await _scheduler.Messages.CountAsync(cancellationToken);
            lock (_gate) _timersPending = pending;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogReadFailed(_logger, _scheduler.ServiceName, "scheduled messages", e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline metrics could not read the {What} of {Service} ({ExceptionType}); the gauges keep the last reading")]
    private static partial void LogReadFailed(ILogger logger, string service, string what, string exceptionType);
}
