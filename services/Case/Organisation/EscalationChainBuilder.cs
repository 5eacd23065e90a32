namespace PatientExperience.Case.Organisation;

/// <summary>
/// Builds a facility's escalation chain under its rules: only people who cover the facility may be named (at most
/// <see cref="DirectoryValidation.MaxListLength"/> per level, each once); a department or unit must be the facility's and is
/// listed once; the compliance contact, when given, covers the facility too. Each broken rule is a field error in
/// <paramref name="errors"/>; <see cref="Build"/> answers null while there is any.
/// </summary>
internal sealed class EscalationChainBuilder(Facility facility, IEnumerable<Person> people, DirectoryValidation errors)
{
    private readonly HashSet<string> _covering = people.Where(p => p.CoversFacility(facility.Id)).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
    private readonly List<DepartmentEscalation> _departments = [];
    private readonly List<UnitEscalation> _units = [];
    private IReadOnlyList<string> _executive = [];
    private string? _complianceContact;

    /// <summary>Only a person who covers the facility may hold one of its escalation levels.</summary>
    public bool MayBeNamed(string personId) => _covering.Contains(personId);

    public void SetExecutive(IReadOnlyList<string>? personIds) => _executive = errors.PersonIds("executive", personIds, MayBeNamed);

    public void SetComplianceContact(string? personId)
    {
        if (string.IsNullOrEmpty(personId)) return;
        if (MayBeNamed(personId)) _complianceContact = personId;
        else errors.Add("complianceContact", "Must be the id of a person in the directory who covers this facility.");
    }

    public void AddDepartment(string field, string? departmentId, IReadOnlyList<string>? department, IReadOnlyList<string>? executive)
    {
        if (string.IsNullOrEmpty(departmentId) || facility.FindDepartment(departmentId) is null) errors.Add(field + ".departmentId", "No such department at the facility.");
        else if (_departments.Any(x => x.DepartmentId == departmentId)) errors.Add(field + ".departmentId", "Listed twice.");
        else _departments.Add(new DepartmentEscalation
        {
            DepartmentId = departmentId,
            Department = errors.PersonIds(field + ".department", department, MayBeNamed),
            Executive = executive is null ? null : errors.PersonIds(field + ".executive", executive, MayBeNamed),
        });
    }

    public void AddUnit(string field, string? unitId, IReadOnlyList<string>? unit, IReadOnlyList<string>? department, IReadOnlyList<string>? executive)
    {
        if (string.IsNullOrEmpty(unitId) || facility.DepartmentOfUnit(unitId) is null) errors.Add(field + ".unitId", "No such unit at the facility.");
        else if (_units.Any(x => x.UnitId == unitId)) errors.Add(field + ".unitId", "Listed twice.");
        else _units.Add(new UnitEscalation
        {
            UnitId = unitId,
            Unit = errors.PersonIds(field + ".unit", unit, MayBeNamed),
            Department = department is null ? null : errors.PersonIds(field + ".department", department, MayBeNamed),
            Executive = executive is null ? null : errors.PersonIds(field + ".executive", executive, MayBeNamed),
        });
    }

    public EscalationChain? Build() => errors.IsValid
        ? new EscalationChain { FacilityId = facility.Id, Executive = _executive, ComplianceContact = _complianceContact, Departments = _departments, Units = _units }
        : null;
}
