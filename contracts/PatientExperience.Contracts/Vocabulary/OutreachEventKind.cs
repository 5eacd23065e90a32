using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>What an outreach event is (wire: <c>focus-group</c>, <c>community-event</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<OutreachEventKind>))]
public enum OutreachEventKind
{
    /// <summary>A small facilitated discussion with former patients about their care.</summary>
    FocusGroup,
    /// <summary>A wider meeting with the community the facility serves.</summary>
    CommunityEvent,
}
