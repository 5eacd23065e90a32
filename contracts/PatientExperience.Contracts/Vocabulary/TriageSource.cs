using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// Where the triage of a critical concern from an anonymous channel came from (wire: <c>rota</c>, <c>fallback</c>).
/// </summary>
[JsonConverter(typeof(WireEnumConverter<TriageSource>))]
public enum TriageSource
{
    /// <summary>The people the facility's triage rota has on duty at that instant (not on leave), and the compliance contact.</summary>
    Rota,

    /// <summary>
    /// No rota, or nobody on it on duty at that instant: everyone with the patient-relations role covering the case's place,
    /// and the compliance contact, so a concern never reaches nobody.
    /// </summary>
    Fallback,
}
