using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// Where an outreach event stands (wire: <c>planned</c>, <c>recruiting</c>, <c>full</c>, <c>held</c>, <c>cancelled</c>).
/// Planned until staff start recruiting; full when as many have said yes as it has seats (no more invitations, no more
/// yes); held once its attendance and themes are recorded; cancelled at any point before that.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<OutreachEventStatus>))]
public enum OutreachEventStatus
{
    Planned,
    Recruiting,
    Full,
    Held,
    Cancelled,
}
