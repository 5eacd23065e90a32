using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Intake.Audit;

/// <summary>One read of protected health information: who, when, what, for which facility.</summary>
public sealed record PhiAccess(Guid Id, DateTimeOffset At, string Actor, IReadOnlyList<string> Roles, string Action, Guid SubmissionId, string FacilityId)
    : IPhiAccess<PhiAccess>
{
    public static string SubjectField => "submissionId";

    public static PhiAccess Create(Guid id, DateTimeOffset at, string actor, IReadOnlyList<string> roles, string action, Guid subjectId, string facilityId) =>
        new(id, at, actor, roles, action, subjectId, facilityId);
}
