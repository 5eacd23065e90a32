using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>What a case is under its facility's regulatory profile (wire: <c>complaint</c>, <c>grievance</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<CaseType>))]
public enum CaseType
{
    /// <summary>Resolved promptly by staff present.</summary>
    Complaint,
    /// <summary>A formal grievance (CMS): needs a written response letter before it can be resolved.</summary>
    Grievance,
}
