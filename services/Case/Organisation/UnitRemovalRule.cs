namespace PatientExperience.Case.Organisation;

/// <summary>
/// A department or unit still named in the facility's escalation chain cannot be removed: cases escalated to it would have
/// nobody to tell. Take it out of the chain first. Each check answers why a change is refused, or null when it may go ahead.
/// </summary>
public static class UnitRemovalRule
{
    public const string UnitStillNamed =
        "A unit this change removes is still named in the facility's escalation chain: remove it there first. Nothing was changed.";

    public const string DepartmentStillNamed =
        "The department or one of its units is still named in the facility's escalation chain: remove it there first. Nothing was changed.";

    /// <summary>Replacing <paramref name="existing"/> by <paramref name="replacement"/> drops no unit the chain names.</summary>
    public static string? CheckReplacing(Department existing, Department replacement, EscalationChain? chain)
    {
        var removed = existing.Units.Select(u => u.Id).Except(replacement.Units.Select(u => u.Id), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        return chain is not null && chain.Units.Any(u => removed.Contains(u.UnitId)) ? UnitStillNamed : null;
    }

    /// <summary>Removing <paramref name="department"/> drops neither it nor a unit of it that the chain names.</summary>
    public static string? CheckRemoving(Department department, EscalationChain? chain) =>
        chain is not null && (chain.Departments.Any(d => d.DepartmentId == department.Id) || chain.Units.Any(u => department.Units.Any(x => x.Id == u.UnitId)))
            ? DepartmentStillNamed
            : null;
}
