using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using PatientExperience.Messaging.Hosting;
using PatientExperience.Reporting.Kpis;

namespace PatientExperience.Reporting.Signals;

/// <summary>Bound from <c>Reporting:Signals</c>; validated at start-up.</summary>
public sealed class SignalEvaluationOptions
{
    public const string Section = "Reporting:Signals";

    /// <summary>How often every unit's u-charts are evaluated (default 1 hour; 5 seconds to 7 days). The first evaluation is one interval after start.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "7.00:00:00")]
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>True to evaluate nothing on a schedule (signals are still raised when a request computes them).</summary>
    public bool Paused { get; set; }

    /// <summary>The weekly u-chart's baseline: the ISO weeks up to today (default 26).</summary>
    [Range(8, 520)]
    public int Weeks { get; set; } = 26;

    /// <summary>The monthly u-chart's baseline: the months up to this one (default 12).</summary>
    [Range(3, 120)]
    public int Months { get; set; } = 12;
}

/// <summary>
/// Evaluates every facility's units on their weekly and monthly u-charts up to today and raises each signal found through the
/// <see cref="SignalLedger"/> (published once per signal id, whoever finds it first: this evaluation, a request, another replica).
/// </summary>
public sealed class SignalEvaluation(SignalsQuery query, SignalLedger ledger, IOptions<SignalEvaluationOptions> options, TimeProvider clock)
{
    /// <returns>How many signals were raised for the first time.</returns>
    public async Task<int> EvaluateAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var everyFacility = new ReportScope(null);
        var weeks = new ReportPeriod(KpiQuery.PeriodStart(today, SeriesInterval.Week).AddDays(-7 * (options.Value.Weeks - 1)), today);
        var months = new ReportPeriod(KpiQuery.PeriodStart(today, SeriesInterval.Month).AddMonths(1 - options.Value.Months), today);
        var raised = await ledger.RaiseAsync(await query.SignalsAsync(everyFacility, weeks, SeriesInterval.Week, ct), ct);
        raised += await ledger.RaiseAsync(await query.SignalsAsync(everyFacility, months, SeriesInterval.Month, ct), ct);
        return raised;
    }
}

/// <summary>Runs <see cref="SignalEvaluation"/> every <c>EvaluationInterval</c> (first one interval after start).</summary>
internal sealed partial class SignalEvaluationService(
    SignalEvaluation evaluation, IOptions<SignalEvaluationOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<SignalEvaluationService> logger)
    : PollingBackgroundService(lifetime)
{
    protected override bool Paused => options.Value.Paused;

    protected override void OnPaused() => LogPaused(logger);

    protected override void OnPassFailed(Exception exception, int attempt) => LogFailed(logger, exception.GetType().Name, attempt);

    protected override async Task RunPassAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(options.Value.EvaluationInterval, clock, stoppingToken);
        var raised = await evaluation.EvaluateAsync(stoppingToken);
        if (raised > 0) LogRaised(logger, raised);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signal evaluation is paused (Reporting:Signals:Paused): signals are raised only when a request computes them.")]
    private static partial void LogPaused(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating signals failed ({Error}), attempt {Attempt}; trying again after a back-off.")]
    private static partial void LogFailed(ILogger logger, string error, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signal evaluation raised {Count} new signals.")]
    private static partial void LogRaised(ILogger logger, int count);
}
