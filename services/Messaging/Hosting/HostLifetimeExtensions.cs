using Microsoft.Extensions.Hosting;

namespace PatientExperience.Messaging.Hosting;

public static class HostLifetimeExtensions
{
    /// <summary>
    /// Waits until the host has started (and so the bus, started with WaitUntilStarted), whatever order hosted services were
    /// registered in. False when the host stops first.
    /// </summary>
    public static async Task<bool> WhenStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled());
        try
        {
            await started.Task;
            return true;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }
}
