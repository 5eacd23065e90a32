using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Intake.Audit;

/// <summary>
/// One read of protected health information: who, when, what, for which facility. <see cref="SubmissionId"/> is the id of
/// what was read: a submission, or a discharge for the <c>discharge-contact.*</c> actions (the stored field keeps its name).
/// </summary>
public sealed record PhiAccess(Guid Id, DateTimeOffset At, string Actor, IReadOnlyList<string> Roles, string Action, Guid SubmissionId, string FacilityId)
    : IPhiAccess<PhiAccess>
{
    public static string SubjectField => "submissionId";

    public static PhiAccess Create(Guid id, DateTimeOffset at, string actor, IReadOnlyList<string> roles, string action, Guid subjectId, string facilityId) =>
        new(id, at, actor, roles, action, subjectId, facilityId);
}
