using System.Diagnostics;
using System.Diagnostics.Metrics;
using PatientExperience.ServiceDefaults;

namespace PatientExperience.Reporting;

/// <summary>The reporting service's traces and counters (under the platform's telemetry name, which every process exports).</summary>
public static class ReportingTelemetry
{
    public static readonly ActivitySource Source = new(Extensions.PlatformTelemetryName);

    private static readonly Meter Meter = new(Extensions.PlatformTelemetryName);

    /// <summary>Events projected into the read models, tagged <c>event</c> (the message type).</summary>
    public static readonly Counter<long> EventsProjected = Meter.CreateCounter<long>("pxp.reporting.events", description: "Events projected into the reporting read models.");

    /// <summary>Optimistic-concurrency conflicts met (and retried) while projecting.</summary>
    public static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("pxp.reporting.conflicts", description: "Read-model write conflicts retried.");

    /// <summary>KPI queries answered, tagged <c>query</c> (kpis, series, comparison, dashboard).</summary>
    public static readonly Histogram<double> QueryDuration = Meter.CreateHistogram<double>("pxp.reporting.query.duration", unit: "ms", description: "Time to answer a reporting query from the read models.");

    /// <summary>Governance packs stored by the schedule.</summary>
    public static readonly Counter<long> GovernancePacksGenerated = Meter.CreateCounter<long>("pxp.reporting.governance_packs", description: "Governance packs generated and stored on schedule.");

    /// <summary>Signals raised for the first time (each published once as <c>ReportingSignalRaised</c>).</summary>
    public static readonly Counter<long> SignalsRaised = Meter.CreateCounter<long>("pxp.reporting.signals.raised", description: "SPC signals raised and published.");

    /// <summary>Events projected together in one batch (how much the batching saves: a day touched by a batch is written once).</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("pxp.reporting.batch.size", unit: "{event}", description: "Events projected together in one read-model batch.");
}
