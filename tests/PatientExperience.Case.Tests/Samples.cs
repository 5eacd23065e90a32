using PatientExperience.Contracts.Intake;

namespace PatientExperience.Case.Tests;

/// <summary>FeedbackSubmitted events as intake publishes them, at facilities of the demo health system.</summary>
public static class Samples
{
    public const string Riverside = "riverside-general";
    public const string Mesa = "mesa-valley";
    public const string StBrendans = "st-brendans";

    public static FeedbackSubmitted Feedback(string facilityId = Riverside, string? departmentId = "emergency", string? unitId = "ed-adult",
        string channel = "web", string? kind = "complaint") => new()
    {
        SubmissionId = Guid.NewGuid(),
        FacilityId = facilityId,
        DepartmentId = departmentId,
        UnitId = unitId,
        Channel = Wire.Parse<FeedbackChannel>(channel),
        Kind = Wire.ParseOptional<FeedbackKind>(kind),
        ResponseRequested = true,
        PatientIdentified = true,
        SubmittedAt = DateTimeOffset.UtcNow.AddMinutes(-3),
    };

    /// <summary>A submission at a facility whose department and unit the submitter left out.</summary>
    public static FeedbackSubmitted At(string facilityId) => Feedback(facilityId, departmentId: null, unitId: null, channel: "phone", kind: null);
}
