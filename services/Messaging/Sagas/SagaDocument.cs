namespace PatientExperience.Messaging.Sagas;

/// <summary>
/// How a saga instance is stored: its state under <c>saga</c>, plus what the repository needs to know about it. A collection
/// definition given to the repository names fields relative to the saga (<c>caseId</c>); the store indexes <c>saga.caseId</c>.
/// </summary>
public sealed class SagaDocument<TSaga> where TSaga : class
{
    public required TSaga Saga { get; init; }

    /// <summary>
    /// Set on the write that finalizes an instance whose last transition raised events: that write stores the events with the
    /// final state, and a second write deletes the document (the outbox keeps the events). If the process stops between the
    /// two, the repository treats the leftover as missing and removes it when it next meets it.
    /// </summary>
    public bool? Completed { get; init; }
}
