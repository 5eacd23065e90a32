using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Survey.Outreach;

/// <summary>
/// One read of an outreach consent (a respondent's contact reference, PHI-adjacent): who, when, which response, which
/// facility. Kept by the platform's <see cref="PhiAuditLog{TAccess}"/> in the survey service's store.
/// </summary>
public sealed record OutreachConsentAccess(Guid Id, DateTimeOffset At, string Actor, IReadOnlyList<string> Roles, string Action, Guid ResponseId, string FacilityId)
    : IPhiAccess<OutreachConsentAccess>
{
    public static string SubjectField => "responseId";

    public static OutreachConsentAccess Create(Guid id, DateTimeOffset at, string actor, IReadOnlyList<string> roles, string action, Guid subjectId, string facilityId) =>
        new(id, at, actor, roles, action, subjectId, facilityId);
}
