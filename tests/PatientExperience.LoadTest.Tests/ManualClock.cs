using PatientExperience.LoadTest;

namespace PatientExperience.LoadTest.Tests;

/// <summary>A clock that moves only when told to or when waited on (waiting jumps to the time waited for): runs are exact and instant.</summary>
internal sealed class ManualClock : ILoadClock
{
    private long _ticks;

    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public ValueTask WaitUntilAsync(TimeSpan at, CancellationToken cancellationToken)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _ticks);
            if (current >= at.Ticks) break;
        }
        while (Interlocked.CompareExchange(ref _ticks, at.Ticks, current) != current);
        return ValueTask.CompletedTask;
    }
}
