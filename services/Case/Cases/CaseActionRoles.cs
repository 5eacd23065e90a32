namespace PatientExperience.Case.Cases;

/// <summary>
/// Which roles may take each staff action on a case (besides covering the case's facility). Anyone who works cases may
/// acknowledge, note and escalate; coordinators (patient relations, advocates, admins) run the case to its end; only patient
/// relations and admins reopen one.
/// </summary>
public static class CaseActionRoles
{
    private static readonly string[] Workers = ["patient-relations", "advocate", "unit-manager", "department-head", "executive", "compliance", "admin"];
    private static readonly string[] Coordinators = ["patient-relations", "advocate", "admin"];

    public static readonly string[] Acknowledge = Workers;
    public static readonly string[] AddNote = Workers;
    public static readonly string[] Escalate = Workers;
    public static readonly string[] Assign = ["patient-relations", "department-head", "admin"];
    public static readonly string[] AddTask = [.. Coordinators, "department-head"];
    public static readonly string[] RecordLetter = Coordinators;
    public static readonly string[] Resolve = Coordinators;
    public static readonly string[] Close = Coordinators;
    public static readonly string[] Reopen = ["patient-relations", "admin"];
    public static readonly string[] Reclassify = [.. Coordinators, "compliance"];

    /// <summary>True when a caller holding <paramref name="isInRole"/> roles may take an action open to <paramref name="allowed"/>.</summary>
    public static bool Allows(IReadOnlyList<string> allowed, Func<string, bool> isInRole) => allowed.Any(isInRole);
}
