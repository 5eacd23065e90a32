namespace PatientExperience.LoadTest;

/// <summary>
/// When each request of an open-loop run is meant to go out: request i at i / rate seconds after the start, whatever
/// happened to the earlier ones. Latency is measured from this intended time, not from when the request actually left,
/// so a stalled server or client (a GC pause, a full connection pool) shows up as latency instead of as requests that
/// were quietly never sent (coordinated omission).
/// </summary>
internal sealed class OpenLoopSchedule
{
    public OpenLoopSchedule(double ratePerSecond, TimeSpan duration)
    {
        if (!(ratePerSecond > 0) || double.IsInfinity(ratePerSecond)) throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "The rate must be a positive number of requests a second.");
        if (duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), "The duration must be positive.");
        RatePerSecond = ratePerSecond;
        Duration = duration;
        Count = (long)Math.Floor(ratePerSecond * duration.TotalSeconds);
    }

    public double RatePerSecond { get; }

    public TimeSpan Duration { get; }

    /// <summary>How many requests the run sends: rate x duration, rounded down.</summary>
    public long Count { get; }

    /// <summary>The intended send time of request <paramref name="index"/>, from the start of the run.</summary>
    public TimeSpan IntendedAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return TimeSpan.FromTicks((long)Math.Round(index * (TimeSpan.TicksPerSecond / RatePerSecond)));
    }
}
