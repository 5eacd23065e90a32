using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging;
using PatientExperience.Messaging.Outbox;
using PatientExperience.ServiceDefaults;

namespace PatientExperience.Case;

/// <summary>
/// The case service's business metrics, on the host's meter factory under the platform's telemetry name (which every process
/// exports). Attributes are vocabulary and facility ids only, never anything about the patient: <c>facility</c>, <c>level</c>,
/// <c>severity</c>, <c>clock</c>, <c>reason</c>, <c>source</c>, <c>channel</c>. docs/operations.md lists them with their Prometheus names.
/// </summary>
public sealed class CaseMetrics
{
    public CaseMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(Extensions.PlatformTelemetryName);
        Opened = Meter.CreateCounter<long>("pxp.cases.opened", "{case}", "Cases opened, by facility, severity and source.");
        Acknowledged = Meter.CreateCounter<long>("pxp.cases.acknowledged", "{case}", "Acknowledgements, by facility and the escalation level acknowledged.");
        Escalated = Meter.CreateCounter<long>("pxp.cases.escalated", "{case}", "Escalations, by facility, the level reached, the reason and severity.");
        Resolved = Meter.CreateCounter<long>("pxp.cases.resolved", "{case}", "Cases resolved, by facility and severity.");
        SlaBreaches = Meter.CreateCounter<long>("pxp.case.sla_breaches", "{breach}",
            "Deadlines of the SLA policy missed, by facility, clock (acknowledge, interim-notice, response), level and severity.");
        // In seconds, so the SDK's default buckets (0, 5, 10, 25 ... 10,000: meant for milliseconds) would put every case opened
        // within five seconds in one bucket and report its percentiles as "5 s".
        SubmissionToCase = Meter.CreateHistogram<double>("pxp.case.submission_to_case", "s",
            "From a concern's submission at intake to its case opening, by facility and channel.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SubmissionToCaseBuckets });
    }

    /// <summary>Bucket boundaries of <c>pxp.case.submission_to_case</c>, in seconds: 5 ms to 5 minutes.</summary>
    public static readonly IReadOnlyList<double> SubmissionToCaseBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    public Meter Meter { get; }

    public Counter<long> Opened { get; }

    public Counter<long> Acknowledged { get; }

    public Counter<long> Escalated { get; }

    public Counter<long> Resolved { get; }

    public Counter<long> SlaBreaches { get; }

    public Histogram<double> SubmissionToCase { get; }

    /// <summary>A case was just opened for a submission (not a duplicate): records how long after its submission.</summary>
    public void CaseOpenedFor(FeedbackSubmitted submitted, CaseFile opened) =>
        SubmissionToCase.Record(Math.Max(0, (opened.OpenedAt - submitted.SubmittedAt).TotalSeconds),
            new("facility", submitted.FacilityId), new("channel", submitted.Channel.ToWire()));
}

/// <summary>
/// Counts the case service's events as its outbox relay publishes them: once per event that was committed, whatever retries,
/// duplicates and concurrency conflicts came before (at least once, like the relay).
/// </summary>
internal sealed class CaseEventMetrics(CaseMetrics metrics) : IOutboxPublishedObserver
{
    public void Published(string service, object message)
    {
        if (service != CaseModule.ServiceName) return;
        switch (message)
        {
            case CaseOpened e:
                metrics.Opened.Add(1, new("facility", e.FacilityId), new("severity", e.Severity.ToWire()), new("source", e.Source.ToWire()));
                break;
            case CaseAcknowledged e:
                metrics.Acknowledged.Add(1, new("facility", e.FacilityId), new("level", e.Level.ToWire()));
                break;
            case CaseEscalated e:
                metrics.Escalated.Add(1, new("facility", e.FacilityId), new("level", e.ToLevel.ToWire()), new("reason", e.Reason.ToWire()), new("severity", e.Severity.ToWire()));
                break;
            case CaseResolved e:
                metrics.Resolved.Add(1, new("facility", e.FacilityId), new("severity", e.Severity.ToWire()));
                break;
            case SlaBreached e:
                metrics.SlaBreaches.Add(1, new("facility", e.FacilityId), new("clock", e.Deadline.ToWire()), new("level", e.Level.ToWire()), new("severity", e.Severity.ToWire()));
                break;
        }
    }
}

/// <summary>
/// <c>pxp.cases.open</c>: the cases not resolved or closed, by facility, escalation level and severity, counted in the store with
/// one grouped query every <c>Messaging:Metrics:SampleSeconds</c> of wall-clock time (the gauge reports the last count; every replica reports the
/// same store's numbers, so aggregate with <c>max</c> per series, or <c>sum</c> over one job's instance).
/// </summary>
internal sealed partial class OpenCasesGauge : BackgroundService
{
    private readonly CaseStore _cases;
    private readonly ILogger<OpenCasesGauge> _logger;
    private readonly TimeSpan _interval;
    private volatile IReadOnlyList<OpenCaseCount>? _counts;

    public OpenCasesGauge(CaseStore cases, CaseMetrics metrics, IOptions<MessagingOptions> options, ILogger<OpenCasesGauge> logger)
    {
        _cases = cases;
        _logger = logger;
        _interval = TimeSpan.FromSeconds(options.Value.Metrics.SampleSeconds);
        metrics.Meter.CreateObservableGauge("pxp.cases.open", Observe, "{case}",
            "Cases not resolved or closed, by facility, escalation level and severity.");
    }

    private IEnumerable<Measurement<long>> Observe() =>
        _counts?.Select(c => new Measurement<long>(c.Count, new("facility", c.FacilityId), new("level", c.Level), new("severity", c.Severity))) ?? [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Wall-clock cadence: how often to read, not business time (tests move the service's clock without waiting for readings).
        using var timer = new PeriodicTimer(_interval);
        do
        {
            try
            {
                _counts = await _cases.CountOpenAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogCountFailed(_logger, e.GetType().Name);
            }
        }
        while (await NextAsync(timer, stoppingToken));
    }

    private static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count the open cases for pxp.cases.open ({ExceptionType}); the gauge keeps the last count")]
    private static partial void LogCountFailed(ILogger logger, string exceptionType);
}

/// <summary>The case service's counters of notices it sends (under the platform's telemetry name, which every process exports).</summary>
public static class CaseTelemetry
{
    private static readonly Meter Meter = new(Extensions.PlatformTelemetryName);

    /// <summary>Department task reminders and overdue escalations sent to the notification service, tagged <c>kind</c>.</summary>
    public static readonly Counter<long> TaskNotices = Meter.CreateCounter<long>("pxp.case.task_notices", description: "Department task reminders and overdue escalations sent.");

    /// <summary>Improvement actions overdue notices sent, tagged <c>kind</c>.</summary>
    public static readonly Counter<long> ImprovementActionNotices = Meter.CreateCounter<long>("pxp.case.improvement_action_notices", description: "Improvement action overdue reminders sent.");
}
