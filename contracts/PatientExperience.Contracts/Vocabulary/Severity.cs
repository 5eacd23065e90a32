using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>How serious a concern is (wire: <c>low</c>, <c>medium</c>, <c>high</c>, <c>critical</c>). Chooses deadlines, escalation and notification channels.</summary>
[JsonConverter(typeof(WireEnumConverter<Severity>))]
public enum Severity
{
    Low,
    Medium,
    High,
    /// <summary>Abuse, neglect, harm, threats of self-harm, discrimination: straight to the executive level, compliance told.</summary>
    Critical,
}
