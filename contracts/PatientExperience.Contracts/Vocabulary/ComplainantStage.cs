using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// Where a concern stands, as the complainant's status page says it (wire: <c>received</c>, <c>being-looked-into</c>,
/// <c>response-sent</c>, <c>resolved</c>, <c>closed</c>): the case lifecycle in words for the public, without the internal steps.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<ComplainantStage>))]
public enum ComplainantStage
{
    Received,
    BeingLookedInto,
    ResponseSent,
    Resolved,
    Closed,
}
