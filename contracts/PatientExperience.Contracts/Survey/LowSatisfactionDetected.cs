using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Survey;

/// <summary>
/// An identified respondent had a poor experience or asked to be contacted: the case service opens one service-recovery
/// case per <see cref="ResponseId"/> however often this arrives. Carries ids and reasons, never free text.
/// </summary>
public sealed record LowSatisfactionDetected
{
    /// <summary>The response the service-recovery case is linked to (<c>surveyResponseId</c> on the case).</summary>
    public required Guid ResponseId { get; init; }
    public required Guid InvitationId { get; init; }
    /// <summary>Intake's discharge id: the key to ask intake for the patient's contact.</summary>
    public required Guid DischargeId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required string SurveyId { get; init; }
    public required string Language { get; init; }
    /// <summary>
    /// Why: <c>nps-detractor</c> (NPS 0-6), <c>critical-item</c> (a bottom-box answer on one of the facility's critical items,
    /// listed in <see cref="CriticalItems"/>), <c>contact-requested</c>.
    /// </summary>
    public required IReadOnlyList<LowSatisfactionReason> Reasons { get; init; }
    /// <summary>The critical items answered bottom-box (question ids).</summary>
    public IReadOnlyList<string> CriticalItems { get; init; } = [];
    public int? Nps { get; init; }
    /// <summary>The patient asked to be contacted: under CMS a request for resolution, which makes the comment a grievance.</summary>
    public required bool ContactRequested { get; init; }
    public required DateTimeOffset DetectedAt { get; init; }
}
