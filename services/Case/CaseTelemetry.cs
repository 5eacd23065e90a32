using System.Diagnostics.Metrics;
using PatientExperience.ServiceDefaults;

namespace PatientExperience.Case;

/// <summary>The case service's counters (under the platform's telemetry name, which every process exports).</summary>
public static class CaseTelemetry
{
    private static readonly Meter Meter = new(Extensions.PlatformTelemetryName);

    /// <summary>Department task reminders and overdue escalations sent to the notification service, tagged <c>kind</c>.</summary>
    public static readonly Counter<long> TaskNotices = Meter.CreateCounter<long>("pxp.case.task_notices", description: "Department task reminders and overdue escalations sent.");

    /// <summary>Improvement actions overdue notices sent, tagged <c>kind</c>.</summary>
    public static readonly Counter<long> ImprovementActionNotices = Meter.CreateCounter<long>("pxp.case.improvement_action_notices", description: "Improvement action overdue reminders sent.");
}
