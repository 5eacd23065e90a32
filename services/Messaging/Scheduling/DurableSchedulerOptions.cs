using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Messaging.Scheduling;

/// <summary>Bound from <c>Messaging:Scheduler</c>; validated at start-up.</summary>
public sealed class DurableSchedulerOptions
{
    public const string Section = "Messaging:Scheduler";

    /// <summary>
    /// The longest the dispatcher sleeps before looking at the store again. It wakes earlier at the nearest due time and when
    /// this process schedules a nearer message; this bound covers messages scheduled by other replicas, so it caps their lateness.
    /// </summary>
    [Range(10, 1000)]
    public int MaxWaitMs { get; set; } = 1000;

    /// <summary>How many due messages one look at the store takes, in due order.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How long a claimed message is hidden from other dispatchers (other replicas) while it is sent. A dispatcher that dies
    /// between sending and deleting leaves the message to be sent again after this, so keep it well above a send's duration.
    /// </summary>
    [Range(1, 3600)]
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>
    /// How long one send may wait for the broker's confirm before it counts as a failed attempt (offered again after the
    /// back-off). RabbitMQ.Client 7.2 can leave a send waiting for a confirm for ever when the broker restarts under it
    /// (rabbitmq-dotnet-client#1930); without this bound that send stopped every timer of the service until the process
    /// restarted. Must be below <see cref="LeaseSeconds"/>.
    /// </summary>
    [Range(1, 3600)]
    public int SendTimeoutSeconds { get; set; } = 20;

    /// <summary>
    /// How many times a message is tried before it is dead-lettered (kept in <c>scheduled_messages_dead</c> with the reason,
    /// logged and counted in <c>pxp.scheduler.dead_lettered</c>) instead of being tried for ever. Failed sends back off up to a
    /// minute apart, so the default of 1000 outlasts a broker outage of about 16 hours.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxAttempts { get; set; } = 1000;

    /// <summary>Stops dispatching while scheduled messages keep accumulating durably in the store (maintenance, tests).</summary>
    public bool Paused { get; set; }
}
