namespace PatientExperience.Intake.Feedback;

/// <summary>The words intake accepts, in the form they travel in events.</summary>
public static class FeedbackVocabulary
{
    public static readonly IReadOnlySet<string> Channels = new HashSet<string>(StringComparer.Ordinal) { "web", "phone", "email", "letter", "kiosk", "staff" };
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "complaint", "grievance", "compliment", "suggestion", "question" };
    public static readonly IReadOnlySet<string> Relationships = new HashSet<string>(StringComparer.Ordinal) { "self", "family", "friend", "guardian", "carer", "staff", "other" };
}
