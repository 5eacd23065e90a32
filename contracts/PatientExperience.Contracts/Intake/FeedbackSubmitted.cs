using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Intake;

/// <summary>
/// A patient, family member or member of staff submitted feedback through one of the intake channels.
/// Carries ids and classification hints only: the text and the patient's details stay in intake and are read over gRPC.
/// </summary>
public sealed record FeedbackSubmitted
{
    public required Guid SubmissionId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    /// <summary>web, phone, email, letter, kiosk, staff.</summary>
    public required FeedbackChannel Channel { get; init; }
    /// <summary>complaint, grievance, compliment, suggestion, question; null when the submitter did not say.</summary>
    public FeedbackKind? Kind { get; init; }
    public required bool ResponseRequested { get; init; }
    public required bool PatientIdentified { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>
    /// Safety indicators intake's screening found in the text (abuse, neglect, harm, self-harm, discrimination, threat):
    /// words for the classifier, never the text itself.
    /// </summary>
    public IReadOnlyList<string> Indicators { get; init; } = [];

    /// <summary>Categories of the taxonomy the text appears to concern, most likely first.</summary>
    public IReadOnlyList<string> CategoryHints { get; init; } = [];

    /// <summary>The patient's preferred language (BCP-47, e.g. <c>es</c>) when they gave one: a language tag, not PHI. Advocates are matched on it.</summary>
    public string? PreferredLanguage { get; init; }

    /// <summary>
    /// A keyed hash (HMAC-SHA256 under intake's patient reference key) of the patient's MRN when one was given, never the MRN:
    /// lets the case service keep the same advocate for a returning patient.
    /// </summary>
    public string? PatientReference { get; init; }

    /// <summary>
    /// Whether it came through an authenticated channel (staff, integration) or not (anonymous). Absent in messages from
    /// producers that predate it: anonymous, the safe default (a critical concern goes to triage rather than paging executives).
    /// </summary>
    public SubmissionOrigin SubmittedBy { get; init; } = SubmissionOrigin.Anonymous;
}
