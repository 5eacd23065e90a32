using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>Who wrote a secure message on a complainant's status page (wire: <c>complainant</c>, <c>staff</c>). Staff are never named to the complainant.</summary>
[JsonConverter(typeof(WireEnumConverter<SecureMessageSender>))]
public enum SecureMessageSender
{
    Complainant,
    Staff,
}
