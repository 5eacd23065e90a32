using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// Who a submission came through (wire: <c>anonymous</c>, <c>staff</c>, <c>integration</c>): an authenticated channel (a
/// member of staff logging a concern with their token, or a system integration such as the EHR) or the public form. A
/// critical concern from an anonymous channel goes to triage before it pages anyone; see docs/security.md.
/// Messages and stored cases without the field read as <see cref="Anonymous"/>: the safe default, because treating an unknown
/// origin as authenticated would let it page executives at once, while triage still reaches people within minutes.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<SubmissionOrigin>))]
public enum SubmissionOrigin
{
    /// <summary>No token (or one that is not a platform role for the facility): the public form, a kiosk.</summary>
    Anonymous,

    /// <summary>A member of staff with a platform role for the facility logged it (a call, a visit).</summary>
    Staff,

    /// <summary>A system integration (role <c>integration</c>) for the facility sent it.</summary>
    Integration,
}
