using System.Diagnostics.Metrics;
using MassTransit;

namespace PatientExperience.Messaging.Telemetry;

/// <summary>
/// Counts, per receive endpoint (queue), the in-memory retries of a failed consumer (<c>pxp.messaging.retries</c>) and the
/// delayed redeliveries through the durable scheduler (<c>pxp.messaging.redeliveries</c>). Messages moved to <c>_error</c> are
/// counted by <c>pxp.messaging.dead_lettered</c> (see <see cref="FailureReasons"/>). Tags: <c>messaging.destination.name</c> only.
/// </summary>
internal static class ConsumerRetryMetrics
{
    private static readonly Meter Meter = new(MessagingTelemetry.Name);

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "pxp.messaging.retries", "{retry}", "In-memory retries of a message whose consumer failed, by queue.");

    public static readonly Counter<long> Redeliveries = Meter.CreateCounter<long>(
        "pxp.messaging.redeliveries", "{redelivery}", "Delayed redeliveries (through the durable scheduler) of a message whose retries were spent, by queue.");

    public static IRetryObserver RetriesOf(string queue) => new Observer(Retries, queue);

    public static IRetryObserver RedeliveriesOf(string queue) => new Observer(Redeliveries, queue);

    /// <summary>
    /// Counts each retry (or redelivery) when it is decided: MassTransit calls <c>PostFault</c> on a fault that will be retried,
    /// before the retry filter tries again and before the redelivery filter schedules the redelivery (which calls no <c>PreRetry</c>).
    /// </summary>
    private sealed class Observer(Counter<long> counter, string queue) : IRetryObserver
    {
        private readonly KeyValuePair<string, object?> _queue = new("messaging.destination.name", queue);

        public Task PostCreate<T>(RetryPolicyContext<T> context) where T : class, PipeContext => Task.CompletedTask;

        public Task PostFault<T>(RetryContext<T> context) where T : class, PipeContext
        {
            counter.Add(1, _queue);
            return Task.CompletedTask;
        }

        public Task PreRetry<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;

        public Task RetryFault<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;

        public Task RetryComplete<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;
    }
}

/// <summary>The name of the platform's meters and activity sources (ServiceDefaults exports everything under it).</summary>
internal static class MessagingTelemetry
{
    public const string Name = "PatientExperience";
}
