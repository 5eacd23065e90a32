using Microsoft.Extensions.Time.Testing;
using PatientExperience.ServiceDefaults.Caching;
using PatientExperience.Testing;

namespace PatientExperience.Intake.Tests;

/// <summary>The cache the directories read another service's list through (intake's facilities, notification's facility names).</summary>
public sealed class SnapshotCacheTests : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MissInterval = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-03-02T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Dictionary<string, string> _source = new() { ["f1"] = "General" };
    private readonly SnapshotCache<string> _cache;
    private int _reads;
    private bool _unavailable;

    public SnapshotCacheTests() =>
        _cache = new SnapshotCache<string>(_ => Read(), e => e is InvalidOperationException, Ttl, MissInterval, _clock);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<IReadOnlyDictionary<string, string>> Read()
    {
        Interlocked.Increment(ref _reads);
        if (_unavailable) throw new InvalidOperationException("the owner is unreachable");
        return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(_source));
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>The value, or null when the list does not hold the key.</summary>
    private async Task<string?> FindAsync(string key)
    {
        var (found, value) = await _cache.FindAsync(key, Ct);
        Assert.Equal(found, value is not null);
        return value;
    }

    [Fact]
    public async Task A_fresh_list_is_read_once()
    {
        Assert.Equal("General", await FindAsync("f1"));
        Assert.Equal("General", await FindAsync("f1"));
        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task A_stale_list_answers_at_once_and_is_read_again_in_the_background()
    {
        await _cache.FindAsync("f1", Ct);
        _source["f1"] = "Renamed";
        _clock.Advance(Ttl + TimeSpan.FromSeconds(1));
        Assert.Equal("General", await FindAsync("f1"));
        await Eventually.UntilAsync(async () => await FindAsync("f1") == "Renamed", "the background read to replace the list");
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task Callers_that_saw_the_stale_list_while_it_was_being_replaced_start_no_second_read()
    {
        await _cache.FindAsync("f1", Ct);
        _source["f1"] = "Renamed";
        _clock.Advance(Ttl + TimeSpan.FromSeconds(1));

        // Many callers on the thread pool, some of which look at the stale list just before the background read replaces it.
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (await FindAsync("f1") != "Renamed") { }
        }, Ct)).ToArray();
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(2, Volatile.Read(ref _reads));
    }

    [Fact]
    public async Task A_missing_key_reads_again_early_but_not_more_often_than_the_miss_interval()
    {
        await _cache.FindAsync("f1", Ct);
        _source["f2"] = "Added";
        Assert.Null(await FindAsync("f2"));
        Assert.Equal(1, _reads);

        _clock.Advance(MissInterval + TimeSpan.FromSeconds(1));
        Assert.Equal("Added", await FindAsync("f2"));
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task The_last_list_is_used_while_the_owner_is_unreachable()
    {
        await _cache.FindAsync("f1", Ct);
        _unavailable = true;
        _clock.Advance(Ttl + TimeSpan.FromSeconds(1));
        Assert.Equal("General", await FindAsync("f1"));
        await Eventually.UntilAsync(() => Volatile.Read(ref _reads) == 2, "the background read to start");
        // The owner has been asked; the cache records the failure just after, so wait for the read to settle.
        await Task.WhenAny(_cache.PendingRead).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        // A key it never held is looked for once the failed read is older than the miss interval, and the last list answers.
        _clock.Advance(MissInterval + TimeSpan.FromSeconds(1));
        Assert.Null(await FindAsync("f9"));
        Assert.Equal(3, _reads);
    }

    [Fact]
    public async Task While_the_owner_hangs_callers_are_answered_from_the_last_list_at_once_and_only_one_read_is_in_flight()
    {
        var hanging = new TaskCompletionSource<IReadOnlyDictionary<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        using var cache = new SnapshotCache<string>(
            _ => Interlocked.Increment(ref reads) == 1 ? Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { ["f1"] = "General" }) : hanging.Task,
            e => e is InvalidOperationException, Ttl, MissInterval, _clock);
        await cache.FindAsync("f1", Ct);
        _clock.Advance(Ttl + TimeSpan.FromSeconds(1));

        // Twenty requests arrive while the owner does not answer (a gRPC call that will only time out): none of them waits for it.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => cache.FindAsync("f1", Ct))).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.All(answers, a => Assert.Equal((true, "General"), a));
        // The one background read starts on the thread pool, possibly after the answers.
        await Eventually.UntilAsync(() => Volatile.Read(ref reads) == 2, "the background read to start");
        await cache.FindAsync("f1", Ct);
        Assert.Equal(2, Volatile.Read(ref reads));
        hanging.SetException(new InvalidOperationException("deadline exceeded"));
    }

    [Fact]
    public async Task After_a_failed_read_with_nothing_usable_callers_fail_fast_until_the_interval_has_passed()
    {
        _unavailable = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _cache.FindAsync("f1", Ct));
        for (var i = 0; i < 5; i++) await Assert.ThrowsAsync<InvalidOperationException>(() => _cache.FindAsync("f1", Ct));
        Assert.Equal(1, _reads);

        _unavailable = false;
        _clock.Advance(MissInterval + TimeSpan.FromSeconds(1));
        Assert.Equal("General", await FindAsync("f1"));
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task A_list_older_than_the_staleness_bound_is_not_served_while_the_owner_is_unreachable()
    {
        using var cache = new SnapshotCache<string>(_ => Read(), e => e is InvalidOperationException, Ttl, MissInterval, _clock, maxStaleness: TimeSpan.FromMinutes(10));
        await cache.FindAsync("f1", Ct);
        _unavailable = true;

        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal((true, "General"), await cache.FindAsync("f1", Ct));
        _clock.Advance(TimeSpan.FromMinutes(2));
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.FindAsync("f1", Ct));
    }

    [Fact]
    public async Task With_nothing_read_yet_an_unreachable_owner_is_an_error()
    {
        _unavailable = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _cache.FindAsync("f1", Ct));
    }
}
