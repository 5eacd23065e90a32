using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Intake;

/// <summary>A compliment came in. It opens no case; reporting counts it and it can be passed on to the staff it praises.</summary>
public sealed record ComplimentReceived
{
    public required Guid SubmissionId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required FeedbackChannel Channel { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
}
