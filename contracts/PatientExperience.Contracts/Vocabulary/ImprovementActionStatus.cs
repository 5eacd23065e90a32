using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// Where an improvement action stands (wire: <c>proposed</c>, <c>in-progress</c>, <c>done</c>, <c>verified</c>). Each step
/// only moves forward, one at a time; verification needs evidence that the change worked.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<ImprovementActionStatus>))]
public enum ImprovementActionStatus
{
    Proposed,
    InProgress,
    Done,
    /// <summary>Checked against its measure, with evidence.</summary>
    Verified,
}
