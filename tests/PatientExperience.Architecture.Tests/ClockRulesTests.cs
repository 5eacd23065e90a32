namespace PatientExperience.Architecture.Tests;

/// <summary>
/// Services read time from the injected <see cref="TimeProvider"/>: deadlines, SLA clocks, quiet hours and audit times all
/// come from one clock that tests can move. Building blocks' infrastructure (storage leases) is outside this rule.
/// </summary>
public sealed class ClockRulesTests
{
    public static TheoryData<string> Services => new(Platform.Services);

    [Theory]
    [MemberData(nameof(Services))]
    public void No_service_code_reads_the_system_clock(string service)
    {
        var reads = ClockReads.In(Platform.Load(service).Location);

        Assert.True(reads.Count == 0, "Use the injected TimeProvider instead:\n" + string.Join("\n", reads));
    }

    [Fact]
    public void Contracts_read_no_clock()
    {
        Assert.Empty(ClockReads.In(Platform.Load(Platform.Contracts).Location));
    }

    [Fact]
    public void The_rule_finds_a_clock_read_in_a_lambda_and_an_async_method()
    {
        var reads = ClockReads.In(typeof(ClockRulesTests).Assembly.Location, t => t.Name == nameof(ReadsTheClock));

        Assert.Contains(reads, r => r.Contains("reads DateTimeOffset.UtcNow"));
        Assert.Contains(reads, r => r.Contains("reads DateTime.Now"));
        Assert.All(reads, r => Assert.StartsWith(typeof(ReadsTheClock).FullName!, r));
    }

    [Fact]
    public void The_rule_passes_code_that_uses_TimeProvider()
    {
        Assert.Empty(ClockReads.In(typeof(ClockRulesTests).Assembly.Location, t => t.Name == nameof(UsesTimeProvider)));
    }
}

/// <summary>A deliberate violation the rule must find: one read inside a lambda, one inside an async method.</summary>
internal static class ReadsTheClock
{
    public static Func<DateTimeOffset> Later => () => DateTimeOffset.UtcNow.AddHours(1);

    public static async Task<DateTime> TodayAsync()
    {
        await Task.Yield();
        return DateTime.Now.Date;
    }
}

internal sealed class UsesTimeProvider(TimeProvider clock)
{
    public DateTimeOffset Later() => clock.GetUtcNow().AddHours(1);
}
