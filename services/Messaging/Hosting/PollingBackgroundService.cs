using Microsoft.Extensions.Hosting;

namespace PatientExperience.Messaging.Hosting;

/// <summary>
/// A background job that works in passes (read the store, send what is due, wait) for as long as the host runs: the loop the
/// outbox relay and the scheduler's dispatcher share. It starts only once the host (and so the bus, started with
/// WaitUntilStarted) is up, whatever the registration order; it stops as soon as the host begins to stop, before the bus does;
/// and a pass that throws is retried after a bounded exponential back-off (0.5 s, 1 s, 2 s ... 30 s), reset by a pass that succeeds.
/// Several replicas may run the same job: each pass must claim its work.
/// </summary>
public abstract class PollingBackgroundService(IHostApplicationLifetime lifetime) : BackgroundService
{
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);

    /// <summary>True to not run at all (an operator paused the job); <see cref="OnPaused"/> says so once.</summary>
    protected abstract bool Paused { get; }

    /// <summary>Logs that the job is paused.</summary>
    protected abstract void OnPaused();

    /// <summary>
    /// One pass, including any wait before the next one (until work is due, or woken). Cancelled when the host stops; an
    /// <see cref="OperationCanceledException"/> then ends the loop quietly.
    /// </summary>
    protected abstract Task RunPassAsync(CancellationToken stoppingToken);

    /// <summary>Logs a failed pass; <paramref name="attempt"/> counts the failures in a row.</summary>
    protected abstract void OnPassFailed(Exception exception, int attempt);

    /// <summary>Waits before the pass after a failure. May return early (woken by new work); cancellation is not an error here.</summary>
    protected virtual Task BackOffAsync(TimeSpan delay, CancellationToken stoppingToken) => Task.Delay(delay, stoppingToken);

    /// <summary>How long to wait after <paramref name="failures"/> failed passes in a row.</summary>
    public static TimeSpan BackOffAfter(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackOff.TotalMilliseconds, 250 * Math.Pow(2, Math.Clamp(failures, 1, 7))));

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Paused)
        {
            OnPaused();
            return;
        }

        if (!await lifetime.WhenStartedAsync(stoppingToken)) return;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        stoppingToken = stopping.Token;

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunPassAsync(stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                OnPassFailed(e, failures);
                await BackOffAsync(BackOffAfter(failures), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
