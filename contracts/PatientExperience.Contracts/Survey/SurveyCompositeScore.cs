namespace PatientExperience.Contracts.Survey;

/// <summary>One respondent's score on a composite (a group of questions about one theme, e.g. nurse communication).</summary>
public sealed record SurveyCompositeScore
{
    public required string CompositeId { get; init; }
    /// <summary>The share of the composite's answered questions answered top-box, 0 to 1.</summary>
    public required double TopBox { get; init; }
    /// <summary>How many of the composite's questions were answered.</summary>
    public required int Answered { get; init; }
}
