using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>What the case service asks the notification service to tell a complainant (wire: <c>acknowledgement</c>, <c>staff-reply</c>, <c>link-reissued</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<ComplainantMessageKind>))]
public enum ComplainantMessageKind
{
    /// <summary>The concern was received: the acknowledgement, with the link to the status page.</summary>
    Acknowledgement,
    /// <summary>Staff replied on the status page: a pointer to the link, never the reply itself.</summary>
    StaffReply,
    /// <summary>Staff reissued a revoked status page link: the new link (the old one stays revoked).</summary>
    LinkReissued,
}
