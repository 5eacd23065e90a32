namespace PatientExperience.ServiceDefaults.Caching;

/// <summary>
/// A whole list another service owns (the facility directory, say), read at once and kept for <paramref name="timeToLive"/>.
/// A key it does not hold triggers one early read, at most every <paramref name="missRefreshInterval"/>, so something added a
/// moment ago is found. While the owner is unreachable (<paramref name="isUnavailable"/> says which failures mean that) the
/// last snapshot is used; with none yet, the failure propagates. One read at a time, however many callers miss together.
/// </summary>
/// <param name="load">Reads the whole list, keyed.</param>
public sealed class SnapshotCache<TValue>(
    Func<CancellationToken, Task<IReadOnlyDictionary<string, TValue>>> load,
    Func<Exception, bool> isUnavailable,
    TimeSpan timeToLive,
    TimeSpan missRefreshInterval,
    TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyDictionary<string, TValue> Items, DateTimeOffset ReadAt);

    /// <summary>The value under <paramref name="key"/>, or false when the list (read again if it was stale or missed it) does not hold it.</summary>
    public async Task<(bool Found, TValue? Value)> FindAsync(string key, CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (NeedsRefresh(snapshot, key)) snapshot = await RefreshAsync(snapshot, key, ct);
        return snapshot!.Items.TryGetValue(key, out var value) ? (true, value) : (false, default);
    }

    private bool NeedsRefresh(Snapshot? snapshot, string key)
    {
        if (snapshot is null) return true;
        var age = clock.GetUtcNow() - snapshot.ReadAt;
        return age > timeToLive || (!snapshot.Items.ContainsKey(key) && age > missRefreshInterval);
    }

    private async Task<Snapshot> RefreshAsync(Snapshot? previous, string key, CancellationToken ct)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            // Another caller read it while this one waited.
            if (_snapshot is { } current && !ReferenceEquals(current, previous) && !NeedsRefresh(current, key)) return current;
            var items = await load(ct);
            return _snapshot = new Snapshot(items, clock.GetUtcNow());
        }
        catch (Exception e) when (isUnavailable(e) && _snapshot is { } stale)
        {
            return stale;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();
}
