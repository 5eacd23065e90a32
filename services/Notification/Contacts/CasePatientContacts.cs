namespace PatientExperience.Notification.Contacts;

/// <summary>
/// Whom to tell about a case: the patient of its intake submission (<c>GetSubmission</c>), or, for a service-recovery case
/// from a survey (which carries intake's discharge id and whose submission id is a survey response intake does not know),
/// the discharged patient (<c>GetDischargeContact</c>). PHI, held in memory only for the moment it is needed.
/// </summary>
public sealed class CasePatientContacts(IPatientContacts submissions, IDischargeContacts discharges)
{
    /// <summary>The contact, or null when intake knows neither the discharge nor the submission.</summary>
    public async Task<PatientContact?> GetAsync(Guid submissionId, Guid? dischargeId, string facilityId, CancellationToken ct)
    {
        if (dischargeId is not { } discharge) return await submissions.GetAsync(submissionId, facilityId, ct);
        var c = await discharges.GetAsync(discharge, facilityId, ct);
        // Service recovery reaches out to the patient whose survey scored poorly or asked for contact: the case itself is the
        // request for a response. The name is not read (the messages then open with a plain greeting).
        return c is null ? null : new PatientContact(null, c.Email, c.Phone, c.PreferredLanguage, ResponseRequested: true);
    }
}
