using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// The statistical process control rules the reporting service's signals fire on (wire: <c>above-upper-limit</c>: a point above
/// the upper control limit; <c>run-above-centre</c>: 8 consecutive points above the centre line, a shift).
/// </summary>
[JsonConverter(typeof(WireEnumConverter<SignalRule>))]
public enum SignalRule
{
    AboveUpperLimit,
    RunAboveCentre,
}
