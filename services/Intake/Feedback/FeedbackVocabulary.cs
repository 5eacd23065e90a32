using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Intake.Feedback;

/// <summary>The words intake accepts, in the form they travel in events (channels and kinds are the contracts' vocabulary).</summary>
public static class FeedbackVocabulary
{
    public static readonly IReadOnlyList<string> Channels = Wire.All<FeedbackChannel>();
    public static readonly IReadOnlyList<string> Kinds = Wire.All<FeedbackKind>();
    public static readonly IReadOnlySet<string> Relationships = new HashSet<string>(StringComparer.Ordinal) { "self", "family", "friend", "guardian", "carer", "staff", "other" };
}
