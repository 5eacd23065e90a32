using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>How a case stands against its SLA (wire: <c>on-track</c>, <c>breached</c>, <c>met</c>, <c>stopped</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<SlaState>))]
public enum SlaState
{
    OnTrack,
    Breached,
    /// <summary>Resolved without a breach.</summary>
    Met,
    Stopped,
}
