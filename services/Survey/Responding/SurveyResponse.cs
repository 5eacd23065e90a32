using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Survey.Responding;

/// <summary>
/// A patient's answers, kept with their invitation: scores in clear (they are what reports read), free text only encrypted
/// (<see cref="ProtectedComments"/>: PHI). Written once; a second answer is refused.
/// </summary>
public sealed record SurveyResponse
{
    public required Guid Id { get; init; }
    public required DateTimeOffset RespondedAt { get; init; }
    public required IReadOnlyList<SurveyItemScore> Items { get; init; }
    public required IReadOnlyList<SurveyCompositeScore> Composites { get; init; }
    public int? Nps { get; init; }
    /// <summary>JSON of the free-text answers by question id, encrypted with the PHI key; null when none was given.</summary>
    public string? ProtectedComments { get; init; }
    public required bool ContactRequested { get; init; }
    public required bool OutreachConsent { get; init; }
    /// <summary>Why service recovery was asked for (<see cref="LowSatisfactionDetected.Reasons"/>); empty when it was not.</summary>
    public IReadOnlyList<LowSatisfactionReason> LowSatisfactionReasons { get; init; } = [];
}
