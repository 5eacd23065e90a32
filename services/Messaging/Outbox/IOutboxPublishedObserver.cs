namespace PatientExperience.Messaging.Outbox;

/// <summary>
/// Told about every event an outbox relay of this process has published (after the broker confirmed it and the store let it
/// go): the place to count business events once each, whatever retries and concurrency conflicts came before the write that
/// committed it. At least once, like the relay: a relay that dies between publishing and recording it publishes, and reports,
/// again. Called on the relay's thread: keep it cheap and never throw (what it throws is logged and ignored).
/// </summary>
public interface IOutboxPublishedObserver
{
    /// <param name="service">The store whose outbox held the event.</param>
    /// <param name="message">The event as published.</param>
    void Published(string service, object message);
}
