using PatientExperience.Case.Classification;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using static PatientExperience.Contracts.Vocabulary.CaseStatus;

namespace PatientExperience.Case.Cases;

/// <summary>
/// Service recovery: a case opened for a survey response that scored poorly or asked for contact. It runs like any other
/// case (classification, escalation saga, letters); it differs in where it came from and in how the patient is reached.
/// </summary>
public sealed partial class CaseFile
{
    /// <summary>feedback (a concern through intake; cases stored before the field existed read so) or survey.</summary>
    public CaseSource Source { get; init; } = CaseSource.Feedback;

    /// <summary>The survey response the case is linked to (one case per response: a unique key).</summary>
    public Guid? SurveyResponseId { get; init; }

    /// <summary>
    /// Intake's discharge id: the reference to the patient's contact, which stays in intake and is read over gRPC
    /// (<c>GetDischargeContact</c>) when the patient is written to. The case holds no contact details.
    /// </summary>
    public Guid? DischargeId { get; init; }

    /// <summary>
    /// Opens and classifies the service-recovery case for a survey response. Its <see cref="SubmissionId"/> is the response
    /// id (there is no intake submission), so the one-case-per-submission key holds for it too; the patient answered
    /// through the survey's web link, hence the channel <c>web</c>.
    /// </summary>
    public static CaseFile OpenForServiceRecovery(LowSatisfactionDetected detected, DateTimeOffset now, TimeZoneInfo facilityTimeZone,
        string regulatoryProfile = "cms-hospital", int slaPolicyVersion = 0)
    {
        var id = Guid.CreateVersion7(now);
        var classification = CaseClassifier.ClassifySurveyResponse(detected, regulatoryProfile);
        var c = new CaseFile
        {
            Id = id,
            CaseNumber = NumberFor(id, TimeZoneInfo.ConvertTime(now, facilityTimeZone)),
            SubmissionId = detected.ResponseId,
            Source = CaseSource.Survey,
            SurveyResponseId = detected.ResponseId,
            DischargeId = detected.DischargeId,
            FacilityId = detected.FacilityId,
            DepartmentId = detected.DepartmentId,
            UnitId = detected.UnitId,
            Channel = FeedbackChannel.Web,
            Kind = null,
            OpenedAt = now,
            SubmittedAt = detected.DetectedAt,
            ResponseRequested = detected.ContactRequested,
            RegulatoryProfile = regulatoryProfile,
            Classification = classification.Type,
            Severity = classification.Severity,
            Category = classification.Category,
            OwningDepartmentId = classification.OwningDepartmentId,
            SlaPolicyVersion = slaPolicyVersion,
            Status = New,
            // Answered through the hospital's own invitation (a single-use token sent to a discharged patient), not the open form.
            SubmittedBy = SubmissionOrigin.Integration,
        };
        c.Record(now, "system", "opened",
            $"Opened for service recovery from survey response {detected.ResponseId} ({string.Join(", ", detected.Reasons.Select(r => r.ToWire()))})");
        c.Record(now, "system", "classified", $"{c.Classification.ToWire()}, {c.Severity.ToWire()}, {c.Category}. " + string.Join(" ", classification.Reasons));
        return c;
    }
}
