using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Case.Audit;

/// <summary>One read of a case's protected text (notes, tasks, letters): who, when, which case, which facility.</summary>
public sealed record CasePhiAccess(Guid Id, DateTimeOffset At, string Actor, IReadOnlyList<string> Roles, string Action, Guid CaseId, string FacilityId)
    : IPhiAccess<CasePhiAccess>
{
    public static string SubjectField => "caseId";

    public static CasePhiAccess Create(Guid id, DateTimeOffset at, string actor, IReadOnlyList<string> roles, string action, Guid subjectId, string facilityId) =>
        new(id, at, actor, roles, action, subjectId, facilityId);
}
