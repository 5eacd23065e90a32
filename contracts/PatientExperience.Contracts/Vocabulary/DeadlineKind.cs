using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>The deadlines of an SLA policy (wire: <c>acknowledge</c>, <c>interim-notice</c>, <c>response</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<DeadlineKind>))]
public enum DeadlineKind
{
    Acknowledge,
    InterimNotice,
    Response,
}
