using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>What the submitter called their feedback (wire: <c>complaint</c>, <c>grievance</c>, <c>compliment</c>, <c>suggestion</c>, <c>question</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<FeedbackKind>))]
public enum FeedbackKind
{
    Complaint,
    Grievance,
    /// <summary>Opens no case (ComplimentReceived).</summary>
    Compliment,
    Suggestion,
    Question,
}
