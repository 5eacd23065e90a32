using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>Where a case is in its life: <c>new -> acknowledged -> investigating -> response-sent -> resolved -> closed</c>, and <c>reopened</c>.</summary>
[JsonConverter(typeof(WireEnumConverter<CaseStatus>))]
public enum CaseStatus
{
    New,
    Acknowledged,
    Investigating,
    ResponseSent,
    Resolved,
    Closed,
    Reopened,
}
