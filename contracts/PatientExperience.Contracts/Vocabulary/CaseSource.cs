using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// What a case was opened from (wire: <c>feedback</c>, <c>survey</c>). Cases stored before the field existed read as
/// <see cref="Feedback"/>.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<CaseSource>))]
public enum CaseSource
{
    /// <summary>A concern submitted through intake (<c>FeedbackSubmitted</c>).</summary>
    Feedback,

    /// <summary>Service recovery for a poor survey response or a request for contact (<c>LowSatisfactionDetected</c>).</summary>
    Survey,
}
