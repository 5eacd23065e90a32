namespace PatientExperience.Contracts.Survey;

/// <summary>
/// A patient answered a survey invitation (once per invitation). Carries the scores, never free text: comments are PHI and
/// stay encrypted in the survey service.
/// </summary>
public sealed record SurveyResponseReceived
{
    public required Guid ResponseId { get; init; }
    public required Guid InvitationId { get; init; }
    public required Guid DischargeId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required string SurveyId { get; init; }
    public required int SurveyVersion { get; init; }
    public required string Language { get; init; }
    /// <summary>under-18, 18-34, 35-49, 50-64, 65-79, 80-plus.</summary>
    public required string AgeBand { get; init; }
    public IReadOnlyList<SurveyItemScore> Items { get; init; } = [];
    public IReadOnlyList<SurveyCompositeScore> Composites { get; init; } = [];
    /// <summary>The answer to the survey's NPS question (0-10), or null when it has none or it was skipped.</summary>
    public int? Nps { get; init; }
    /// <summary>Whether a comment was left (its text is not here).</summary>
    public bool HasComments { get; init; }
    public required bool ContactRequested { get; init; }
    public required bool OutreachConsent { get; init; }
    public required DateTimeOffset InvitationIssuedAt { get; init; }
    public required DateTimeOffset RespondedAt { get; init; }
}
