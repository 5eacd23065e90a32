using Microsoft.Extensions.Hosting;
using PatientExperience.Messaging.Hosting;

namespace PatientExperience.Intake.Facilities;

/// <summary>
/// Reads the facility directory once as intake starts, in the background, until it has it: a concern that arrives while the
/// case service is down is then checked against the list read at start instead of being turned away with a 503 because
/// nothing was cached yet. Start-up and readiness do not wait for it. The first read waits until the host has started: in
/// standalone mode the case service's gRPC endpoint is in this process and answers only then, and a read that fails makes
/// the directory answer "unavailable" at once for a few seconds rather than queue callers.
/// </summary>
internal sealed class DirectoryWarmup(IFacilityDirectory directory, TimeProvider clock, IHostApplicationLifetime lifetime) : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await lifetime.WhenStartedAsync(stoppingToken)) return;
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
