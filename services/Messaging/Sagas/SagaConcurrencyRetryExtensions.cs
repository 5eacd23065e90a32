using MassTransit;

namespace PatientExperience.Messaging.Sagas;

/// <summary>The endpoint configuration every saga on the document repository needs.</summary>
public static class SagaConcurrencyRetryExtensions
{
    /// <summary>
    /// Retries a message whose saga write lost an optimistic-concurrency race (<see cref="ConcurrencyException"/>, which
    /// <see cref="SagaConcurrencyException"/> is), so it runs again against the instance as the winner left it; and holds
    /// anything the state machine sends or publishes through the consume context until the message has succeeded, so a
    /// discarded attempt sends nothing (<c>UseInMemoryOutbox</c>). Call it from the saga definition:
    /// <code>
    /// protected override void ConfigureSaga(IReceiveEndpointConfigurator endpoint, ISagaConfigurator&lt;EscalationState&gt; saga, IRegistrationContext context) =&gt;
    ///     endpoint.UseSagaConcurrencyRetry(context);
    /// </code>
    /// MassTransit does not retry a <see cref="ConcurrencyException"/> by itself: without this, a conflict faults the message
    /// (after the platform's general retry, if any) to the <c>_error</c> queue.
    /// </summary>
    /// <param name="retryLimit">Attempts after the first. Each conflict means another message on the instance succeeded, so a
    /// message waits behind at most the others in flight on the same instance.</param>
    public static void UseSagaConcurrencyRetry(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context, int retryLimit = 20)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retryLimit);
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<ConcurrencyException>();
            // Short and jittered: the winner has already committed, so the retry is likely to succeed at once.
            r.Exponential(retryLimit, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(10));
        });
        endpoint.UseInMemoryOutbox(context);
    }
}
