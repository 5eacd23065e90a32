using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Notification.Channels;

/// <summary>
/// The ways a notification can reach someone, as the deliveries store them: the wire strings of <see cref="NotificationChannel"/>,
/// as constants so routing can switch on them (a test checks they stay equal).
/// </summary>
public static class Channel
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string Pager = "pager";
    /// <summary>The in-app inbox: always delivered for staff, never deferred.</summary>
    public const string Inbox = "inbox";

    public static readonly IReadOnlyList<string> All = Wire.All<NotificationChannel>();

    /// <summary>Channels that reach a device (and so respect quiet hours).</summary>
    public static readonly IReadOnlyList<string> Push = All.Where(c => c != Inbox).ToArray();

    /// <summary>Short text only (ids, case number, level, severity, facility): never anything about the patient.</summary>
    public static bool IsShortText(string channel) => channel is Sms or Pager;

    /// <summary>What to try when a channel fails permanently (high and critical severity), in order. Staff always have the inbox.</summary>
    public static IReadOnlyList<string> FallbacksFor(string channel, bool patient) => (channel, patient) switch
    {
        (Email, false) => [Sms, Inbox],
        (Sms, false) => [Email, Inbox],
        (Pager, false) => [Sms, Email, Inbox],
        (Email, true) => [Sms],
        (Sms, true) => [Email],
        _ => [],
    };
}

/// <summary>How an attempt ended.</summary>
public enum SendResult
{
    Delivered,
    /// <summary>Worth trying again later: SMTP 4xx, a timeout, a refused connection, provider 5xx or 429.</summary>
    Transient,
    /// <summary>Will not succeed as it is: SMTP 5xx, provider 4xx, no or malformed address.</summary>
    Permanent,
}

/// <param name="Transport">smtp, webhook, inbox or dev-mailbox.</param>
/// <param name="Reason">A code without personal data (<c>smtp-451</c>, <c>connection-refused</c>, <c>webhook-503</c>, ...).</param>
public sealed record SendOutcome(SendResult Result, string Transport, string? Reason = null)
{
    public static SendOutcome Delivered(string transport) => new(SendResult.Delivered, transport);
    public static SendOutcome Transient(string transport, string reason) => new(SendResult.Transient, transport, reason);
    public static SendOutcome Permanent(string transport, string reason) => new(SendResult.Permanent, transport, reason);
}

/// <summary>A rendered message for one channel and one address. May hold personal data (a patient's address and name): never logged.</summary>
public sealed record OutgoingMessage(Guid DeliveryId, string Channel, string To, string? Subject, string Body);

/// <summary>Sends a message on one channel.</summary>
public interface IChannelTransport
{
    Task<SendOutcome> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
