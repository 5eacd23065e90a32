using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>Who an entry of the guidance library is for (wire: <c>guidance</c>, <c>patient-resource</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<GuidanceKind>))]
public enum GuidanceKind
{
    /// <summary>For the advocate: what to do, whom to involve, what the rules require.</summary>
    Guidance,
    /// <summary>For the patient or family: a leaflet or contact the advocate can pass on.</summary>
    PatientResource,
}
