using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>Why a case moved to an escalation level (wire: <c>opened</c>, <c>deadline-missed</c>, <c>critical-severity</c>, <c>manual</c>, <c>reopened</c>,
/// <c>critical-triage</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<EscalationReason>))]
public enum EscalationReason
{
    Opened,
    DeadlineMissed,
    CriticalSeverity,
    Manual,
    Reopened,
    /// <summary>
    /// A critical concern from an anonymous channel: told to the facility's triage (on-duty patient-relations leads and the
    /// compliance contact) on inbox and email only; executives are paged when staff confirm it or its deadlines pass.
    /// </summary>
    CriticalTriage,
}
