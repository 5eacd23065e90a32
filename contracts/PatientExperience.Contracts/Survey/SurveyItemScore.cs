using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Survey;

/// <summary>
/// How one question was answered, as a score: never the words of a free-text answer (free-text questions do not appear).
/// </summary>
public sealed record SurveyItemScore
{
    public required string QuestionId { get; init; }
    /// <summary>four-point-frequency, rating-0-10, yes-no, definitely, nps (free text is never scored).</summary>
    public required SurveyQuestionType Type { get; init; }
    /// <summary>The answer as a number: 0-10 for ratings and NPS, 1-4 for frequency and definitely scales (4 best), 1 yes / 0 no.</summary>
    public required int Value { get; init; }
    /// <summary>The most favourable answer (Always, 9-10, Yes, Definitely yes).</summary>
    public required bool TopBox { get; init; }
    /// <summary>The least favourable answers (Never or Sometimes, 0-6, No, Probably or Definitely no).</summary>
    public required bool BottomBox { get; init; }
}
