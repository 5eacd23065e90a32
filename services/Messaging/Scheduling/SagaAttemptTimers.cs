namespace PatientExperience.Messaging.Scheduling;

/// <summary>
/// What one attempt of a saga message did to the schedule, so that an attempt that is discarded (it lost an
/// optimistic-concurrency race, or the state machine threw) leaves the schedule as it found it:
/// <list type="bullet">
/// <item>a message it scheduled under a new token is stored at once, as before (so a crash after the instance is stored
/// cannot lose the timer), and deleted again if the attempt is discarded;</item>
/// <item>a cancellation waits until the attempt's instance is stored, so a discarded attempt never cancels a timer that the
/// instance as stored still counts on.</item>
/// </list>
/// MassTransit's in-memory outbox means to do this for every consumer, but its saga repositories give the state machine a
/// scheduler of their own scope, outside the outbox's, so the document saga repository does it itself, one attempt at a
/// time (<c>DocumentSagaRepositoryContextFactory</c>). A process that dies between scheduling and the undo leaves an orphan
/// timer, which the saga ignores when it fires (its token is not the instance's); one that dies between storing the
/// instance and the cancellation leaves the same. Consumers outside sagas schedule and cancel at once, keyed by token.
/// </summary>
internal sealed class SagaAttemptTimers
{
    private static readonly AsyncLocal<SagaAttemptTimers?> CurrentAttempt = new();
    private readonly Lock _gate = new();
    private readonly List<(ScheduledMessageStore Store, Guid TokenId)> _scheduled = [];
    private readonly List<(ScheduledMessageStore Store, Guid TokenId)> _cancels = [];

    /// <summary>The attempt the calling flow is part of, if it is a saga message's.</summary>
    public static SagaAttemptTimers? Current => CurrentAttempt.Value;

    /// <summary>Set once the instance the attempt changed has been written: from then on its timers stand.</summary>
    public bool Stored { get; private set; }

    /// <summary>Starts an attempt for the rest of the calling async flow (an async method's own flow: it ends with it).</summary>
    public static SagaAttemptTimers Begin() => CurrentAttempt.Value = new SagaAttemptTimers();

    public void MarkStored() => Stored = true;

    public void Scheduled(ScheduledMessageStore store, Guid tokenId)
    {
        lock (_gate) _scheduled.Add((store, tokenId));
    }

    public void CancelOnceStored(ScheduledMessageStore store, Guid tokenId)
    {
        lock (_gate) _cancels.Add((store, tokenId));
    }

    /// <summary>The attempt stands: the cancellations it held back are made.</summary>
    public Task CompleteAsync() => RunAsync(Take(_cancels));

    /// <summary>The attempt is discarded: what it scheduled is removed, and what it meant to cancel stays.</summary>
    public Task UndoAsync() => RunAsync(Take(_scheduled));

    private (ScheduledMessageStore Store, Guid TokenId)[] Take(List<(ScheduledMessageStore Store, Guid TokenId)> list)
    {
        lock (_gate)
        {
            var taken = list.ToArray();
            list.Clear();
            return taken;
        }
    }

    private static async Task RunAsync((ScheduledMessageStore Store, Guid TokenId)[] cancels)
    {
        // CancellationToken.None, not the message's: an attempt that was cancelled or has failed still tidies the schedule.
        foreach (var (store, tokenId) in cancels) await store.CancelAsync(tokenId, CancellationToken.None);
    }
}
