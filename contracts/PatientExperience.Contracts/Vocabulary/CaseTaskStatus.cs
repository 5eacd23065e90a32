using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>Where a department task on a case stands (wire: <c>open</c>, <c>done</c>, <c>cancelled</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<CaseTaskStatus>))]
public enum CaseTaskStatus
{
    Open,
    /// <summary>Completed by its owner, with an optional completion note.</summary>
    Done,
    /// <summary>Withdrawn, with a reason kept in the case's history.</summary>
    Cancelled,
}
