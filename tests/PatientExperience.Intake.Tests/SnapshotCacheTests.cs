using Microsoft.Extensions.Time.Testing;
using PatientExperience.ServiceDefaults.Caching;

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
        _reads++;
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
    public async Task A_stale_list_is_read_again()
    {
        await _cache.FindAsync("f1", Ct);
        _source["f1"] = "Renamed";
        _clock.Advance(Ttl + TimeSpan.FromSeconds(1));
        Assert.Equal("Renamed", await FindAsync("f1"));
        Assert.Equal(2, _reads);
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
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task With_nothing_read_yet_an_unreachable_owner_is_an_error()
    {
        _unavailable = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _cache.FindAsync("f1", Ct));
    }
}
