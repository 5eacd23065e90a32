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

    [Fact]
    public async Task Reads_until_the_directory_answers_then_stops()
    {
        var clock = new FakeTimeProvider();
        var directory = new FlakyDirectory(failures: 2);
        using var warmup = new DirectoryWarmup(directory, clock);

        await warmup.StartAsync(TestContext.Current.CancellationToken);
        await Eventually.UntilAsync(() => directory.Calls == 1, "the first read at start");
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
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(3, directory.Calls);
    }
}
