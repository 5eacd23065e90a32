using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>How feedback came in (wire: <c>web</c>, <c>phone</c>, <c>email</c>, <c>letter</c>, <c>kiosk</c>, <c>staff</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<FeedbackChannel>))]
public enum FeedbackChannel
{
    Web,
    Phone,
    Email,
    Letter,
    Kiosk,
    /// <summary>Recorded by a member of staff on the patient's behalf.</summary>
    Staff,
}
