using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PatientExperience.AppHost.RabbitMq;

/// <summary>
/// On shutdown, stops the services before the broker they use: Aspire otherwise stops every resource at once, the broker
/// goes first, and each service then spends its stop timeout on a bus that can no longer close cleanly. Registered after
/// Aspire's own hosted services, so it stops before they do.
/// </summary>
internal sealed partial class StopDependantsFirst(
    DistributedApplicationModel model,
    ResourceCommandService commands,
    ResourceNotificationService notifications,
    ILogger<StopDependantsFirst> logger) : IHostedService
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var services = model.Resources.OfType<ProjectResource>().ToList();
        LogStopping(logger, string.Join(", ", services.Select(s => s.Name)));
        await Task.WhenAll(services.Select(s => StopOneAsync(s, timeout.Token)));
    }

    private async Task StopOneAsync(IResource resource, CancellationToken cancellationToken)
    {
        try
        {
            var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);
            if (!result.Success) return; // Not running (never started, already stopped): nothing to wait for.
            await notifications.WaitForResourceAsync(resource.Name, KnownResourceStates.TerminalStates, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogNotStopped(logger, resource.Name, Timeout.TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping the services before the broker: {Services}")]
    private static partial void LogStopping(ILogger logger, string services);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource} had not stopped after {Seconds} s; the broker stops now anyway")]
    private static partial void LogNotStopped(ILogger logger, string resource, double seconds);
}
