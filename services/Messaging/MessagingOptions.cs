using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Messaging;

/// <summary>Bound from <c>Messaging</c>. RabbitMQ is used when <c>ConnectionStrings:rabbitmq</c> is set; otherwise the in-memory transport.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

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
    /// Stops publishing while messages keep accumulating durably in the store: for maintenance of the broker, and for
    /// the test that kills a process between storing and publishing.
    /// </summary>
    public bool Paused { get; set; }
}
