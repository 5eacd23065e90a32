using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>What the survey service asks the notification service to tell a respondent about an outreach event (wire: <c>invitation</c>, <c>reminder</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<OutreachMessageKind>))]
public enum OutreachMessageKind
{
    /// <summary>An invitation with the RSVP link.</summary>
    Invitation,
    /// <summary>The day before, to those who said they will attend.</summary>
    Reminder,
}
