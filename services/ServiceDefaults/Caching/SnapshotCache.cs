namespace PatientExperience.ServiceDefaults.Caching;

/// <summary>
/// A whole list another service owns (the facility directory, say), read at once and kept for <paramref name="timeToLive"/>.
/// <list type="bullet">
/// <item>Past its time to live, a key the list holds is answered from it at once while one read refreshes it in the
/// background: callers never queue behind a slow or unreachable owner.</item>
/// <item>A key it does not hold triggers one early read, at most every <paramref name="missRefreshInterval"/>, so something
/// added a moment ago is found; callers that miss together wait for that one read.</item>
/// <item>While the owner is unreachable (<paramref name="isUnavailable"/> says which failures mean that) the last list is used,
/// but never once it is older than <paramref name="maxStaleness"/> (default an hour): then, as with nothing read yet, the
/// failure propagates. After a failed read no other is tried for <paramref name="missRefreshInterval"/>.</item>
/// </list>
/// At most one read is in flight, however many callers arrive.
/// </summary>
/// <param name="load">Reads the whole list, keyed.</param>
public sealed class SnapshotCache<TValue>(
    Func<CancellationToken, Task<IReadOnlyDictionary<string, TValue>>> load,
    Func<Exception, bool> isUnavailable,
    TimeSpan timeToLive,
    TimeSpan missRefreshInterval,
    TimeProvider clock,
    TimeSpan? maxStaleness = null) : IDisposable
{
    public static readonly TimeSpan DefaultMaxStaleness = TimeSpan.FromHours(1);

    private readonly TimeSpan _maxStaleness = maxStaleness ?? DefaultMaxStaleness;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private volatile Snapshot? _snapshot;
    private Task<Snapshot>? _reading;
    private (DateTimeOffset At, Exception Error)? _lastFailure;

    private sealed record Snapshot(IReadOnlyDictionary<string, TValue> Items, DateTimeOffset ReadAt);

    /// <summary>The value under <paramref name="key"/>, or false when the list (read again if it was stale or missed it) does not hold it.</summary>
    public async Task<(bool Found, TValue? Value)> FindAsync(string key, CancellationToken ct)
    {
        var snapshot = _snapshot;
        var now = clock.GetUtcNow();
        var age = snapshot is null ? TimeSpan.MaxValue : now - snapshot.ReadAt;
        var usable = snapshot is not null && age <= _maxStaleness;

        if (usable && snapshot!.Items.TryGetValue(key, out var held))
        {
            if (age > timeToLive && !FailedRecently(now)) _ = RefreshInBackgroundAsync(snapshot);
            return (true, held);
        }

        if (usable && (age <= missRefreshInterval || FailedRecently(now))) return (false, default);

        if (!usable && _lastFailure is { } failure && now - failure.At <= missRefreshInterval)
        {
            // The owner failed a moment ago and nothing usable is held: fail fast rather than queue another read.
            throw failure.Error;
        }

        try
        {
            snapshot = await ReadAsync(snapshot).WaitAsync(ct);
        }
        catch (Exception e) when (isUnavailable(e) && usable)
        {
            snapshot = _snapshot!;
        }

        return snapshot.Items.TryGetValue(key, out var value) ? (true, value) : (false, default);
    }

    /// <summary>
    /// The read in flight, or a completed task when none is. Once it has completed, the read's outcome is recorded (the new
    /// list, or the failure that holds further reads back): what a test waits for after a background read started.
    /// </summary>
    internal Task PendingRead
    {
        get { lock (_gate) return _reading ?? Task.CompletedTask; }
    }

    private bool FailedRecently(DateTimeOffset now) => _lastFailure is { } failure && now - failure.At <= missRefreshInterval;

    /// <summary>
    /// The read in flight, or the list read since the caller looked at <paramref name="seen"/>, or else a new read: one at a
    /// time, shared by every caller that needs it, and none started for a caller whose stale list was replaced meanwhile.
    /// </summary>
    private Task<Snapshot> ReadAsync(Snapshot? seen)
    {
        lock (_gate)
        {
            if (_reading is not null) return _reading;
            var current = _snapshot;
            if (current is not null && !ReferenceEquals(current, seen)) return Task.FromResult(current);
            return _reading = ReadOnceAsync();
        }
    }

    private async Task<Snapshot> ReadOnceAsync()
    {
        try
        {
            await Task.Yield();
            var items = await load(_disposed.Token);
            var snapshot = new Snapshot(items, clock.GetUtcNow());
            _snapshot = snapshot;
            _lastFailure = null;
            return snapshot;
        }
        catch (Exception e)
        {
            _lastFailure = (clock.GetUtcNow(), e);
            throw;
        }
        finally
        {
            lock (_gate) _reading = null;
        }
    }

    private async Task RefreshInBackgroundAsync(Snapshot seen)
    {
        try
        {
            await ReadAsync(seen);
        }
        catch (Exception)
        {
            // Served from the last list meanwhile; the failure is remembered and the next caller past the interval tries again.
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
