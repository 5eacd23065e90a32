namespace PatientExperience.Contracts.Survey;

/// <summary>
/// A discharged patient's survey invitation went out (the first message, not a reminder). Once per invitation. Carries ids
/// only: never the token, the link or the patient's contact.
/// </summary>
public sealed record SurveyInvitationIssued
{
    public required Guid InvitationId { get; init; }
    public required Guid DischargeId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    /// <summary>The survey definition (e.g. <c>hcahps-inpatient</c>) and the version the patient answers.</summary>
    public required string SurveyId { get; init; }
    public required int SurveyVersion { get; init; }
    /// <summary><c>en</c> or <c>es</c>.</summary>
    public required string Language { get; init; }
    /// <summary>The version of the facility's survey policy the invitation was planned under.</summary>
    public required int PolicyVersion { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    /// <summary>The end of the response window: the token stops working then.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
