using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>The platform roles a token can carry in its <c>role</c> claim (wire: <c>patient-relations</c>, <c>advocate</c>, ...).</summary>
[JsonConverter(typeof(WireEnumConverter<StaffRole>))]
public enum StaffRole
{
    PatientRelations,
    Advocate,
    UnitManager,
    DepartmentHead,
    Executive,
    Compliance,
    Analyst,
    Admin,
}
