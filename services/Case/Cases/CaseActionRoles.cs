using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Cases;

/// <summary>
/// Which roles may take each staff action on a case (besides covering the case's facility). Anyone who works cases may
/// acknowledge, note and escalate; coordinators (patient relations, advocates, admins) run the case to its end; only patient
/// relations and admins reopen one.
/// </summary>
public static class CaseActionRoles
{
    private static readonly StaffRole[] Workers = [StaffRole.PatientRelations, StaffRole.Advocate, StaffRole.UnitManager, StaffRole.DepartmentHead, StaffRole.Executive, StaffRole.Compliance, StaffRole.Admin];
    private static readonly StaffRole[] Coordinators = [StaffRole.PatientRelations, StaffRole.Advocate, StaffRole.Admin];

    public static readonly StaffRole[] Acknowledge = Workers;
    public static readonly StaffRole[] AddNote = Workers;
    public static readonly StaffRole[] Escalate = Workers;
    public static readonly StaffRole[] Assign = [StaffRole.PatientRelations, StaffRole.DepartmentHead, StaffRole.Admin];
    public static readonly StaffRole[] AddTask = [.. Coordinators, StaffRole.DepartmentHead];
    /// <summary>Anyone who works cases may complete a task (its owner is often a unit manager or a department's staff).</summary>
    public static readonly StaffRole[] CompleteTask = Workers;
    public static readonly StaffRole[] CancelTask = AddTask;
    /// <summary>The department task worklist: anyone who works cases (a department's staff find their tasks there).</summary>
    public static readonly StaffRole[] ReadTasks = Workers;
    public static readonly StaffRole[] RecordLetter = Coordinators;
    public static readonly StaffRole[] Resolve = Coordinators;
    public static readonly StaffRole[] Close = Coordinators;
    public static readonly StaffRole[] Reopen = [StaffRole.PatientRelations, StaffRole.Admin];
    public static readonly StaffRole[] Reclassify = [.. Coordinators, StaffRole.Compliance];
    /// <summary>Those who triage a critical concern from an anonymous channel confirm it (which pages the executives).</summary>
    public static readonly StaffRole[] ConfirmCritical = [StaffRole.PatientRelations, StaffRole.Compliance, StaffRole.Admin];

    /// <summary>True when a caller whose claims pass <paramref name="isInRole"/> may take an action open to <paramref name="allowed"/>.</summary>
    public static bool Allows(IReadOnlyList<StaffRole> allowed, Func<string, bool> isInRole) => allowed.Any(role => isInRole(role.ToClaim()));
}
