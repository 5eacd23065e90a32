using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>Why a survey response asks for service recovery (wire: <c>nps-detractor</c>, <c>critical-item</c>, <c>contact-requested</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<LowSatisfactionReason>))]
public enum LowSatisfactionReason
{
    /// <summary>An NPS answer of 0-6.</summary>
    NpsDetractor,

    /// <summary>A bottom-box answer to one of the facility's critical items.</summary>
    CriticalItem,

    /// <summary>The patient asked to be contacted: under CMS, a request for resolution.</summary>
    ContactRequested,
}
