namespace PatientExperience.Testing.Tests;

public sealed class EventuallyTests
{
    [Fact]
    public async Task Times_out_with_what_was_awaited()
    {
        var ct = TestContext.Current.CancellationToken;
        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            Eventually.UntilAsync(() => Task.FromResult(false), TimeSpan.FromMilliseconds(300), "the case is acknowledged", ct));

        Assert.Contains("the case is acknowledged", error.Message);
    }

    [Fact]
    public async Task Keeps_the_last_error_of_the_probe()
    {
        var ct = TestContext.Current.CancellationToken;
        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            Eventually.UntilAsync<string>(() => throw new InvalidOperationException("store unreachable"), TimeSpan.FromMilliseconds(200), "the letter is stored", ct));

        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("store unreachable", error.Message);
    }

    [Fact]
    public async Task Returns_the_value_once_the_probe_has_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var calls = 0;
        var value = await Eventually.UntilAsync(() => Task.FromResult(++calls < 3 ? null : "escalated"), TimeSpan.FromSeconds(5), "the saga escalates", ct);

        Assert.Equal("escalated", value);
        Assert.Equal(3, calls);
    }
}
