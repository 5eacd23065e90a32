using System.Diagnostics.Metrics;
using MassTransit;

namespace PatientExperience.Messaging;

/// <summary>
/// Why a message ended in an <c>_error</c> queue, written in the <see cref="Header"/> header of the message there: an operator
/// moves <see cref="RetriesExhausted"/> back once the outage is over, and reads <see cref="Permanent"/> and
/// <see cref="Undeliverable"/> before deciding (see docs/operations.md).
/// </summary>
public static class FailureReasons
{
    public const string Header = "PXP-Failure-Reason";

    /// <summary>Failed on every in-memory retry and every delayed redelivery (about an hour with the default back-off).</summary>
    public const string RetriesExhausted = "retries-exhausted";

    /// <summary>The consumer said trying again cannot help (<see cref="PermanentFailureException"/>, a validation failure).</summary>
    public const string Permanent = "permanent";

    /// <summary>The message could not be read: its envelope or body does not deserialise into the contract.</summary>
    public const string Undeliverable = "undeliverable";

    /// <summary>Exceptions that no retry or redelivery can fix: they send the message to <c>_error</c> at once.</summary>
    internal static readonly Type[] PermanentExceptionTypes =
    [
        typeof(PermanentFailureException),
        typeof(System.Runtime.Serialization.SerializationException),
        typeof(System.Text.Json.JsonException),
        typeof(System.ComponentModel.DataAnnotations.ValidationException),
    ];

    /// <summary>The reason for an exception that took a message to <c>_error</c>.</summary>
    public static string Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case System.Runtime.Serialization.SerializationException or System.Text.Json.JsonException:
                    return Undeliverable;
                case PermanentFailureException or System.ComponentModel.DataAnnotations.ValidationException:
                    return Permanent;
            }
        }

        return RetriesExhausted;
    }
}

/// <summary>
/// The first step of every receive endpoint's error pipe: writes <see cref="FailureReasons.Header"/> on the message that goes to
/// <c>_error</c>, replaces the exception's message in the fault headers with its type (<see cref="FaultRedaction"/>), and counts it (<c>pxp.messaging.dead_lettered</c>, by queue and reason); then MassTransit's own steps publish
/// the fault and move the message.
/// </summary>
internal sealed class FailureReasonFilter(Action<string>? movedToErrorQueue) : IFilter<ExceptionReceiveContext>
{
    private static readonly Meter Meter = new("PatientExperience");
    private static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>(
        "pxp.messaging.dead_lettered", description: "Messages moved to an _error queue, by queue and reason.");

    public void Probe(ProbeContext context) => context.CreateFilterScope("failureReason");

    public Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        var reason = FailureReasons.Classify(context.Exception);
        context.ExceptionHeaders.Set(FailureReasons.Header, reason);
        FaultRedaction.Apply(context);
        var queue = QueueName(context.InputAddress);
        DeadLettered.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", queue), new KeyValuePair<string, object?>("pxp.failure_reason", reason));
        movedToErrorQueue?.Invoke(queue);
        return next.Send(context);
    }

    internal static string QueueName(Uri? address) => address?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "unknown";
}
