using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using PatientExperience.Intake.Facilities;
using PatientExperience.Testing;

namespace PatientExperience.Intake.Tests;

/// <summary>Intake reads the directory as it starts, retrying in the background while the case service is down.</summary>
public sealed class DirectoryWarmupTests
{
    private sealed class FlakyDirectory(int failures) : IFacilityDirectory
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<FacilityLookup> FindAsync(string facilityId, CancellationToken ct) =>
            Interlocked.Increment(ref _calls) <= failures
                ? Task.FromException<FacilityLookup>(new DirectoryUnavailableException(new InvalidOperationException("down")))
                : Task.FromResult(new FacilityLookup(false, null));
    }

    private sealed class Lifetime : Microsoft.Extensions.Hosting.IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication() { }
    }

    [Fact]
    public async Task Reads_once_the_host_has_started_until_the_directory_answers_then_stops()
    {
        var clock = new FakeTimeProvider();
        var directory = new FlakyDirectory(failures: 2);
        var lifetime = new Lifetime();
        var state = new DirectoryWarmupState();
        var readiness = new DirectoryReadCheck(state);
        using var warmup = new DirectoryWarmup(directory, clock, lifetime, state);

        await warmup.StartAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, directory.Calls); // not before the host (in standalone mode, the case service's endpoint) has started

        lifetime.Start();
        await Eventually.UntilAsync(() => directory.Calls == 1, "the first read once started");
        // The standalone host's readiness (AddIntakeDirectoryReadiness) waits for the first read that succeeds.
        Assert.Equal(HealthStatus.Unhealthy, (await readiness.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken)).Status);
        // Each failure waits on the clock before the next read.
        for (var expected = 2; expected <= 3; expected++)
        {
            var calls = expected;
            await Eventually.UntilAsync(() =>
            {
                clock.Advance(TimeSpan.FromSeconds(5));
                return directory.Calls >= calls;
            }, $"read {calls}");
        }

        await Eventually.UntilAsync(() => warmup.ExecuteTask!.IsCompletedSuccessfully, "the warm-up to finish once the directory answered");
        Assert.Equal(HealthStatus.Healthy, (await readiness.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken)).Status);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(3, directory.Calls);
    }
}
