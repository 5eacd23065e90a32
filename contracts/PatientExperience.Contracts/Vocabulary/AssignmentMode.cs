using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>How a facility's new cases find their advocate (wire: <c>auto</c>, <c>manual</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<AssignmentMode>))]
public enum AssignmentMode
{
    /// <summary>The case service assigns each new case to a matching advocate (language, capacity, leave, caseload, returning patient).</summary>
    Auto,
    /// <summary>Patient relations assign cases themselves (the default).</summary>
    Manual,
}
