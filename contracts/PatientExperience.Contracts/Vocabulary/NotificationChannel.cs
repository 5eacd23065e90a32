using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>The ways a notification can reach someone (wire: <c>email</c>, <c>sms</c>, <c>pager</c>, <c>inbox</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<NotificationChannel>))]
public enum NotificationChannel
{
    Email,
    Sms,
    Pager,
    /// <summary>The in-app inbox: always delivered for staff, never deferred.</summary>
    Inbox,
}
