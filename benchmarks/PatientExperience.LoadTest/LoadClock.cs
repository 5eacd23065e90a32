using System.Diagnostics;

namespace PatientExperience.LoadTest;

/// <summary>The time a load run reads and waits on: the real clock, or a manual one in the tool's tests.</summary>
internal interface ILoadClock
{
    /// <summary>Time since the clock was started.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Returns once <see cref="Elapsed"/> has reached <paramref name="at"/> (at once when it already has).</summary>
    ValueTask WaitUntilAsync(TimeSpan at, CancellationToken cancellationToken);
}

/// <summary>
/// The monotonic clock of the machine. Waits with the runtime's timer (about 1 ms resolution here), so a send is at most
/// about a millisecond late; that lateness is counted in the latency, never hidden.
/// </summary>
internal sealed class StopwatchClock : ILoadClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    public ValueTask WaitUntilAsync(TimeSpan at, CancellationToken cancellationToken)
    {
        var remaining = at - Elapsed;
        return remaining <= TimeSpan.FromMilliseconds(0.5) ? ValueTask.CompletedTask : new ValueTask(Task.Delay(remaining, cancellationToken));
    }
}
