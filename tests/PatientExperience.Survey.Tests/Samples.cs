using PatientExperience.Contracts.Intake;

namespace PatientExperience.Survey.Tests;

public static class Samples
{
    /// <summary>An eligible adult inpatient discharged home an hour before <paramref name="now"/>, reachable by email.</summary>
    public static PatientDischarged Discharge(DateTimeOffset now, string facilityId = SurveyApp.FacilityA, string? patientReference = null) => new()
    {
        DischargeId = Guid.NewGuid(),
        EncounterId = "enc-" + Guid.NewGuid().ToString("N")[..10],
        PatientReference = patientReference ?? "pr-" + Guid.NewGuid().ToString("N"),
        FacilityId = facilityId,
        DepartmentId = "medicine",
        UnitId = "4-west",
        DischargedAt = now.AddHours(-1),
        Disposition = "home",
        Deceased = false,
        AgeBand = "50-64",
        Language = "en-US",
        ContactChannels = ["email", "letter"],
        NoPublicity = false,
        ReceivedAt = now,
    };
}
