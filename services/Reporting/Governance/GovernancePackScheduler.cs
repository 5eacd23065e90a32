using Microsoft.Extensions.Options;
using PatientExperience.Messaging.Hosting;

namespace PatientExperience.Reporting.Governance;

/// <summary>Looks for governance packs due (<see cref="GovernancePacks.GenerateDueAsync"/>) every <c>PollInterval</c>; safe with several replicas (the store refuses a month twice).</summary>
internal sealed partial class GovernancePackScheduler(
    GovernancePacks packs, IOptions<GovernancePackOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<GovernancePackScheduler> logger)
    : PollingBackgroundService(lifetime)
{
    protected override bool Paused => options.Value.Paused;

    protected override void OnPaused() => LogPaused(logger);

    protected override void OnPassFailed(Exception exception, int attempt) => LogFailed(logger, exception.GetType().Name, attempt);

    protected override async Task RunPassAsync(CancellationToken stoppingToken)
    {
        var stored = await packs.GenerateDueAsync(stoppingToken);
        if (stored.Count > 0) LogGenerated(logger, stored.Count);
        await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Governance packs are paused (Reporting:GovernancePacks:Paused): none is generated on schedule.")]
    private static partial void LogPaused(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generating governance packs failed ({Error}), attempt {Attempt}; trying again after a back-off.")]
    private static partial void LogFailed(ILogger logger, string error, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored {Count} governance packs.")]
    private static partial void LogGenerated(ILogger logger, int count);
}
