using MassTransit;
using MassTransit.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Storage;

namespace PatientExperience.Messaging.Scheduling;

/// <summary>
/// The scheduled messages of one service's store, and the signal that tells this process's dispatcher a nearer message was
/// just scheduled. One per process: the bus has one message scheduler.
/// </summary>
internal sealed class ScheduledMessageStore
{
    public ScheduledMessageStore(string serviceName, IServiceProvider services, TimeProvider time)
    {
        var store = services.GetKeyedService<IDocumentStore>(serviceName)
            ?? throw new InvalidOperationException(
                $"AddDurableScheduler(\"{serviceName}\") keeps scheduled messages in the store of '{serviceName}': call AddDocumentStore(\"{serviceName}\", ...) too.");
        ServiceName = serviceName;
        Time = time;
        // Registering the collection here, when the hosted services are constructed and before any of them starts, lets the
        // store's own initializer create it with the service's other collections.
        Messages = store.Collection<ScheduledMessageDocument>(ScheduledMessages.Definition);
        DeadLetters = store.Collection<DeadScheduledMessageDocument>(ScheduledMessages.DeadLetters);
    }

    public IDocumentCollection<DeadScheduledMessageDocument> DeadLetters { get; }

    public string ServiceName { get; }

    public TimeProvider Time { get; }

    public IDocumentCollection<ScheduledMessageDocument> Messages { get; }

    public DispatchSignal Signal { get; } = new();

    /// <summary>A scheduler for code outside consumers (consumers get theirs from <see cref="DurableMessageSchedulerFilter"/>).</summary>
    public IMessageScheduler SchedulerFor(IBus bus) => new MessageScheduler(new DurableScheduleMessageProvider(this, consumeContext: null), bus.Topology);

    /// <summary>
    /// Stores the message under its token, replacing one already scheduled with that token, and wakes the dispatcher if it is
    /// due sooner than it planned to look. True when the token was new (an insert), false when it replaced a message.
    /// </summary>
    public async Task<bool> SaveAsync(Guid tokenId, ScheduledMessageDocument document, CancellationToken cancellationToken)
    {
        var id = Id(tokenId);
        var inserted = false;
        while (true)
        {
            try
            {
                await Messages.InsertAsync(id, document, [], cancellationToken);
                inserted = true;
                break;
            }
            catch (DuplicateDocumentException)
            {
                // Rescheduling under the same token (a token taken from the message): the new content and time win.
                var existing = await Messages.GetAsync(id, cancellationToken);
                if (existing is null) continue;
                try
                {
                    await Messages.ReplaceAsync(id, document, existing.Version, [], cancellationToken);
                    break;
                }
                catch (ConcurrencyConflictException)
                {
                    // Claimed, cancelled or rescheduled meanwhile: try again from the start.
                }
            }
        }

        Signal.Scheduled(document.DueAt);
        return inserted;
    }

    /// <summary>Removes the message scheduled under the token, wherever it was going. True if it was still waiting.</summary>
    public Task<bool> CancelAsync(Guid tokenId, CancellationToken cancellationToken) => Messages.DeleteAsync(Id(tokenId), expectedVersion: null, cancellationToken);

    public static string Id(Guid tokenId) => tokenId.ToString("D");
}

/// <summary>
/// Wakes the dispatcher when this process schedules a message due before the end of what the dispatcher last read from the
/// store, so it reads again instead of missing it. While it reads, every newly scheduled message counts, so one scheduled
/// during a read wakes it again straight after.
/// </summary>
internal sealed class DispatchSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _coveredTicks = long.MaxValue;

    public void Scheduled(DateTimeOffset dueAt)
    {
        if (dueAt.UtcTicks < Volatile.Read(ref _coveredTicks)) Wake();
    }

    /// <summary>Before a read of the store: it may miss anything scheduled from now on.</summary>
    public void Reading() => Volatile.Write(ref _coveredTicks, long.MaxValue);

    /// <summary>After a read: it holds every message due before <paramref name="until"/>.</summary>
    public void Covering(DateTimeOffset until) => Volatile.Write(ref _coveredTicks, until.UtcTicks);

    /// <summary>
    /// Sleeps until <paramref name="until"/> on <paramref name="time"/>. True when woken first by a newly scheduled message;
    /// false when the time came (or had already).
    /// </summary>
    /// <exception cref="OperationCanceledException">The host is stopping.</exception>
    public async Task<bool> SleepUntilAsync(DateTimeOffset until, TimeProvider time, CancellationToken stoppingToken)
    {
        stoppingToken.ThrowIfCancellationRequested();
        var delay = until - time.GetUtcNow();
        if (delay <= TimeSpan.Zero) return false;

        using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var timer = Task.Delay(delay, time, sleeping.Token);
        var woken = _wake.WaitAsync(sleeping.Token);
        // The clock can move between reading it and starting the timer (a test's fake clock jumps; a real one at worst by
        // microseconds): a timer started after `until` has passed would wait for time that never comes, so look again.
        if (time.GetUtcNow() < until) await Task.WhenAny(timer, woken);
        await sleeping.CancelAsync();
        await Task.WhenAll(timer, woken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stoppingToken.ThrowIfCancellationRequested();
        // Acquired (completed without cancellation) means woken, even if the timer fired at the same moment.
        return woken.IsCompletedSuccessfully;
    }

    private void Wake()
    {
        if (_wake.CurrentCount > 0) return;
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Woken by someone else at the same moment.
        }
    }
}
