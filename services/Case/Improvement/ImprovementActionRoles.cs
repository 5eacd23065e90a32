using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Improvement;

/// <summary>
/// Who may do what with improvement actions (besides covering the action's facility): patient relations and department
/// heads (and admins) propose and move them; analysts, executives and compliance read them as well.
/// </summary>
public static class ImprovementActionRoles
{
    public static readonly StaffRole[] Write = [StaffRole.PatientRelations, StaffRole.DepartmentHead, StaffRole.Admin];
    public static readonly StaffRole[] Read = [.. Write, StaffRole.Analyst, StaffRole.Executive, StaffRole.Compliance];
}
