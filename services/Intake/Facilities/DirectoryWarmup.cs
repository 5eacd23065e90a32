using Microsoft.Extensions.Hosting;

namespace PatientExperience.Intake.Facilities;

/// <summary>
/// Reads the facility directory once as intake starts, in the background, until it has it: a concern that arrives while the
/// case service is down is then checked against the list read at start instead of being turned away with a 503 because
/// nothing was cached yet. Start-up and readiness do not wait for it.
/// </summary>
internal sealed class DirectoryWarmup(IFacilityDirectory directory, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Any key reads the whole list; whether this one is in it does not matter.
                await directory.FindAsync("-", stoppingToken);
                return;
            }
            catch (DirectoryUnavailableException)
            {
                await Task.Delay(RetryEvery, clock, stoppingToken);
            }
        }
    }
}
