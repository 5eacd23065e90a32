namespace PatientExperience.Messaging;

/// <summary>
/// Thrown by a consumer when trying the message again cannot help (it refers to something that can never exist, it breaks a
/// rule of the contract): the message goes straight to its queue's <c>_error</c> queue, with the reason
/// <see cref="FailureReasons.Permanent"/> in the <see cref="FailureReasons.Header"/> header, instead of being retried and
/// redelivered for half an hour. The message text does not travel with it (the <c>MT-Fault-Message</c> header and MassTransit's
/// log records carry the type only, <see cref="FaultRedaction"/>), but it still must never hold personal data: name ids, never values.
/// </summary>
public sealed class PermanentFailureException(string message, Exception? inner = null) : Exception(message, inner);
