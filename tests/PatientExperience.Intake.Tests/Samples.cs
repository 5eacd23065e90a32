using PatientExperience.Intake.Feedback;

namespace PatientExperience.Intake.Tests;

/// <summary>Submissions used across tests. The PHI values are distinctive so a leak into logs or traces is easy to find.</summary>
public static class Samples
{
    public const string PatientName = "Zebulon Quartermaine";
    public const string Mrn = "MRN-778899-ZQ";
    public const string Email = "zebulon.q@example.org";
    public const string Phone = "+1 555 0199 4242";
    public const string StoryMarker = "purple-giraffe-hallway";

    public static SubmitFeedbackRequest Complaint(string? description = null) => new()
    {
        FacilityId = "riverside-general",
        DepartmentId = "emergency",
        UnitId = "ed-adult",
        Channel = "web",
        Kind = "complaint",
        Description = description ?? $"My father waited nine hours on a trolley near the {StoryMarker}.",
        Patient = new PatientDetails { Mrn = Mrn, Name = PatientName, Email = Email, Phone = Phone, PreferredLanguage = "es" },
        Submitter = new SubmitterDetails { Name = "Ada Quartermaine", Relationship = "family", Email = "ada.q@example.org" },
        ResponseRequested = true,
    };
}
