using MassTransit;

namespace PatientExperience.Messaging.Sagas;

/// <summary>
/// A saga instance was changed (or created) by someone else since this message loaded it: the write committed nothing.
/// MassTransit does not retry it by itself; endpoints of sagas on the document repository call
/// <see cref="SagaConcurrencyRetryExtensions.UseSagaConcurrencyRetry"/> so the message is retried against the fresh state.
/// </summary>
public sealed class SagaConcurrencyException : ConcurrencyException
{
    public SagaConcurrencyException()
    {
    }

    public SagaConcurrencyException(string message, Type sagaType, Guid correlationId)
        : base(message, sagaType, correlationId)
    {
    }

    public SagaConcurrencyException(string message, Type sagaType, Guid correlationId, Exception innerException)
        : base(message, sagaType, correlationId, innerException)
    {
    }
}
