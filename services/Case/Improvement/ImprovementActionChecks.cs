using PatientExperience.Case.Cases;
using PatientExperience.Case.Organisation;

namespace PatientExperience.Case.Improvement;

/// <summary>
/// What a proposal must agree with outside itself: the facility has the department, the owner is a member of staff of the
/// facility, and every linked case exists in the same facility. Each failure names the field.
/// </summary>
public sealed class ImprovementActionChecks(DirectoryStore directory, IStaffLookup staff, CaseStore cases)
{
    public async Task<Dictionary<string, string[]>> CheckAsync(ImprovementAction action, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var facility = await directory.GetAsync(action.FacilityId, ct);
        if (facility is null) errors["facilityId"] = ["The directory has no such facility."];
        else if (facility.FindDepartment(action.DepartmentId) is null) errors["departmentId"] = ["The facility has no such department."];
        if (await staff.FindAsync(action.FacilityId, action.OwnerId, ct) is null) errors["ownerId"] = ["Must be a person in the directory who works at the facility."];
        for (var i = 0; i < action.LinkedCaseIds.Count; i++)
        {
            var linked = await cases.GetAsync(action.LinkedCaseIds[i], ct);
            if (linked is null || linked.Document.FacilityId != action.FacilityId) errors[$"linkedCaseIds[{i}]"] = ["No such case at the facility."];
        }

        return errors;
    }
}
