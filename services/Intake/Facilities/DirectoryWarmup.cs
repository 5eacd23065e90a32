using Microsoft.Extensions.Diagnostics.HealthChecks;
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
internal sealed class DirectoryWarmup(IFacilityDirectory directory, TimeProvider clock, IHostApplicationLifetime lifetime, DirectoryWarmupState state) : BackgroundService
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
                state.MarkRead();
                return;
            }
            catch (DirectoryUnavailableException)
            {
                await Task.Delay(RetryEvery, clock, stoppingToken);
            }
        }
    }
}

/// <summary>Whether <see cref="DirectoryWarmup"/> has read the facility directory once.</summary>
internal sealed class DirectoryWarmupState
{
    private volatile bool _read;

    public bool HasRead => _read;

    public void MarkRead() => _read = true;
}

/// <summary>
/// Readiness in one process (the standalone host): intake takes concerns once it has read the facility directory. Not used by
/// intake as its own service, whose readiness must not depend on the case service (a directory read at start is retried in
/// the background while concerns wait for it with a 503 and <c>Retry-After</c>).
/// </summary>
internal sealed class DirectoryReadCheck(DirectoryWarmupState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.HasRead
            ? HealthCheckResult.Healthy("Intake has read the facility directory.")
            : HealthCheckResult.Unhealthy("Intake has not read the facility directory yet; concerns would be answered 503."));
}
