using System.Security.Claims;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.ServiceDefaults.Security;

/// <summary>What a role may do with data, across the services. Per-action rules on cases are in the case service's CaseActionRoles.</summary>
public enum Permission
{
    /// <summary>Patients' names and contact details, and free text (the patient's story, staff notes, reasons, letters, messages).</summary>
    ReadPatientData,

    /// <summary>Reports: counts, rates and trends, with small cells suppressed in exports; never names, contacts or free text.</summary>
    ReadReports,

    /// <summary>The PHI audit trail: who read or changed what, and the chain's verification.</summary>
    ReadAudit,

    /// <summary>Who is on call: the staff each escalation level and triage reach, by name, title and role; never their contact details.</summary>
    ReadOnCall,
}

/// <summary>
/// Roles to permissions, in one place. An analyst reads reports and de-identified case data (status, classification,
/// clocks, the platform's own timeline) but never a patient's name, contact details or anyone's free text.
/// </summary>
public static class RolePermissions
{
    private static readonly IReadOnlyDictionary<Permission, StaffRole[]> Map = new Dictionary<Permission, StaffRole[]>
    {
        [Permission.ReadPatientData] =
            [StaffRole.PatientRelations, StaffRole.Advocate, StaffRole.UnitManager, StaffRole.DepartmentHead, StaffRole.Executive, StaffRole.Compliance, StaffRole.Admin],
        [Permission.ReadReports] =
            [StaffRole.Analyst, StaffRole.PatientRelations, StaffRole.Executive, StaffRole.Compliance, StaffRole.DepartmentHead, StaffRole.Admin],
        [Permission.ReadAudit] = [StaffRole.Compliance, StaffRole.Admin],
        [Permission.ReadOnCall] =
            [StaffRole.PatientRelations, StaffRole.Advocate, StaffRole.UnitManager, StaffRole.DepartmentHead, StaffRole.Executive, StaffRole.Compliance, StaffRole.Admin],
    };

    /// <summary>The roles that hold <paramref name="permission"/>.</summary>
    public static IReadOnlyList<StaffRole> RolesWith(Permission permission) => Map[permission];

    /// <summary>Whether any of the caller's roles holds <paramref name="permission"/>.</summary>
    public static bool Has(this ClaimsPrincipal user, Permission permission) => Map[permission].Any(user.IsInRole);
}
