using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Messaging;

/// <summary>Bound from <c>Messaging</c>. RabbitMQ is used when <c>ConnectionStrings:rabbitmq</c> is set; otherwise the in-memory transport.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    public const string RabbitMqTransport = "RabbitMq";
    public const string InMemoryTransport = "InMemory";

    /// <summary>
    /// <c>RabbitMq</c> (needs <c>ConnectionStrings:rabbitmq</c>) or <c>InMemory</c> (the embedded mode: messages in flight live in
    /// the process). Unset: RabbitMQ when the connection string is set; otherwise in-memory only in the Development and Testing
    /// environments, and elsewhere the service refuses to start, so a forgotten connection string never silently runs a
    /// production service on an in-process bus.
    /// </summary>
    public string? Transport { get; set; }

    /// <summary>Immediate-then-interval retries in the consumer before a message goes to its <c>_error</c> queue.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 5;

    [Range(1, 600_000)]
    public int RetryMinIntervalMs { get; set; } = 200;

    [Range(1, 600_000)]
    public int RetryMaxIntervalMs { get; set; } = 10_000;

    /// <summary>Messages fetched ahead per consumer; 0 lets MassTransit choose.</summary>
    [Range(0, 5000)]
    public int PrefetchCount { get; set; }

    [Range(1, 600)]
    public int StartTimeoutSeconds { get; set; } = 60;

    public OutboxRelayOptions Outbox { get; set; } = new();

    public DelayedRedeliveryOptions Redelivery { get; set; } = new();

    public ErrorQueueOptions ErrorQueues { get; set; } = new();

    public MetricsOptions Metrics { get; set; } = new();
}

/// <summary>Bound from <c>Messaging:Metrics</c>: how the pipeline gauges (outbox backlog, pending timers) are read.</summary>
public sealed class MetricsOptions
{
    /// <summary>How often the outbox backlog and the pending timers are read from the store for the gauges.</summary>
    [Range(1, 3600)]
    public int SampleSeconds { get; set; } = 15;
}

/// <summary>
/// Bound from <c>Messaging:Redelivery</c>. After the in-memory retries fail, a message is handed to the durable scheduler and
/// delivered to its queue again after each interval in turn; only when the last one has failed too does it go to <c>_error</c>.
/// The default waits 1, 2, 5, 10, 15 and 20 minutes (53 minutes in all), long enough to outlast a restart of a service, a
/// broker or a MongoDB election. Needs the durable scheduler (<c>AddDurableScheduler</c>); without it messages go to
/// <c>_error</c> after the in-memory retries.
/// </summary>
public sealed class DelayedRedeliveryOptions
{
    public static readonly IReadOnlyList<int> DefaultIntervalsSeconds = [60, 120, 300, 600, 900, 1200];

    /// <summary>Seconds before each redelivery, in order; empty turns redelivery off. Unset: <see cref="DefaultIntervalsSeconds"/>.</summary>
    public List<int>? IntervalsSeconds { get; set; }

    public IReadOnlyList<int> Intervals => IntervalsSeconds ?? DefaultIntervalsSeconds;

    public bool IsValid(out string? error)
    {
        error = null;
        if (Intervals.Count > 30) error = "Messaging:Redelivery:IntervalsSeconds has more than 30 intervals.";
        else if (Intervals.Any(i => i is < 1 or > 86_400)) error = "Messaging:Redelivery:IntervalsSeconds must each be 1-86400 seconds.";
        return error is null;
    }
}

public sealed class OutboxRelayOptions
{
    /// <summary>How often the relay looks for messages when it has not been woken by a write.</summary>
    [Range(50, 60_000)]
    public int PollIntervalMs { get; set; } = 1000;

    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>How long a claimed message is hidden from other relays (other replicas) while it is published.</summary>
    [Range(1, 3600)]
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>
    /// How long one publish may wait for the broker's confirm before it counts as failed and its document's messages are
    /// offered again after a back-off (published again: at least once). RabbitMQ.Client 7.2 can leave a publish waiting for
    /// a confirm for ever when the broker restarts under it (rabbitmq-dotnet-client#1930); without this bound that publish held
    /// the relay's pass, and every later message of the service, until the process restarted. Must be below
    /// <see cref="LeaseSeconds"/>, so the messages are released before another relay may take them.
    /// </summary>
    [Range(1, 3600)]
    public int PublishTimeoutSeconds { get; set; } = 20;

    /// <summary>
    /// Stops publishing while messages keep accumulating durably in the store: for maintenance of the broker, and for
    /// the test that kills a process between storing and publishing.
    /// </summary>
    public bool Paused { get; set; }
}
