using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>Why a case moved to an escalation level (wire: <c>opened</c>, <c>deadline-missed</c>, <c>critical-severity</c>, <c>manual</c>, <c>reopened</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<EscalationReason>))]
public enum EscalationReason
{
    Opened,
    DeadlineMissed,
    CriticalSeverity,
    Manual,
    Reopened,
}
