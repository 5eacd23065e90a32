using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PatientExperience.Contracts.Notification;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Templates;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Notification.Deliveries;

/// <summary>Where a delivery stands.</summary>
public static class DeliveryStatus
{
    /// <summary>Created; its first attempt is on its way.</summary>
    public const string Pending = "pending";
    /// <summary>Waiting for the end of the recipient's quiet hours.</summary>
    public const string Deferred = "deferred";
    /// <summary>An attempt is in progress (leased to one worker).</summary>
    public const string Sending = "sending";
    /// <summary>The last attempt failed transiently; the next is scheduled (<see cref="Delivery.NextAttemptAt"/>).</summary>
    public const string Retrying = "retrying";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Pending, Deferred, Sending, Retrying, Delivered, Failed];

    public static bool IsFinal(string status) => status is Delivered or Failed;
}

/// <summary>How to reach a member of staff (directory data, not PHI), as the event or the case service gave it.</summary>
public sealed record StaffAddress(string? Email, string? Phone, string? Pager);

/// <summary>How to reach a patient and what to tell them. PHI: stored only encrypted (<see cref="Delivery.ProtectedPatient"/>).</summary>
public sealed record PatientEnvelope(string? Email, string? Phone, PatientMessageModel Message);

/// <summary>One attempt, for the delivery's status history. Reason codes only.</summary>
public sealed record DeliveryAttempt(int Attempt, DateTimeOffset At, string Outcome, string? Reason);

/// <summary>
/// One notification: what caused it (<see cref="SourceKey"/>), to whom, on which channel, and how its delivery went. The
/// unique <see cref="Key"/> (source, recipient, channel) makes it exist once however often its cause arrives. A staff
/// delivery keeps its message model (no PHI by construction); a patient delivery keeps its address and message encrypted.
/// An inbox delivery is the inbox entry itself (<see cref="Unread"/>, <see cref="ReadAt"/>).
/// </summary>
public sealed record Delivery
{
    public required Guid Id { get; init; }
    public required string Key { get; init; }
    public required string SourceKey { get; init; }
    public required string Event { get; init; }
    public Guid? CaseId { get; init; }
    public required string FacilityId { get; init; }
    public required Severity Severity { get; init; }
    public required string Channel { get; init; }
    /// <summary>staff or patient.</summary>
    public required string RecipientKind { get; init; }
    /// <summary>A person id, <c>patient:{submissionId}</c>, or <c>patient:discharge:{dischargeId}</c> (survey invitations).</summary>
    public required string RecipientId { get; init; }
    /// <summary>Staff only (directory data).</summary>
    public string? RecipientName { get; init; }
    public StaffAddress? Staff { get; init; }
    /// <summary>The staff message's facts; a SendNotification's title and message are not here but in <see cref="ProtectedStaffText"/>.</summary>
    public StaffMessageModel? StaffMessage { get; init; }
    /// <summary>A SendNotification's title and message (staff free text), encrypted (<see cref="StaffText"/>); null for other messages and older rows.</summary>
    public string? ProtectedStaffText { get; init; }
    public string? ProtectedPatient { get; init; }
    public string Locale { get; init; } = TemplateRenderer.DefaultLocale;
    /// <summary>IANA zone for quiet hours: the recipient's (from the directory), else the facility's.</summary>
    public string? TimeZone { get; init; }
    public required string Status { get; init; }
    public int Attempts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FirstAttemptAt { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? FailedAt { get; init; }
    public string? Transport { get; init; }
    /// <summary>Why it failed or is being retried or deferred: a code, never personal data.</summary>
    public string? Reason { get; init; }
    public Guid? FallbackOf { get; init; }
    public string? FallbackChannel { get; init; }
    /// <summary>Inbox only: true until the recipient reads it.</summary>
    public bool Unread { get; init; }
    public DateTimeOffset? ReadAt { get; init; }
    public IReadOnlyList<DeliveryAttempt> History { get; init; } = [];

    public bool IsPatient => RecipientKind == Recipients.Patient;

    public static string KeyFor(string sourceKey, string recipientId, string channel) => $"{sourceKey}|{recipientId}|{channel}";

    public PatientEnvelope RevealPatient(IPhiProtector phi) =>
        JsonSerializer.Deserialize<PatientEnvelope>(phi.Unprotect(ProtectedPatient ?? throw new InvalidOperationException("Not a patient delivery."), RecordOf(Id)), StoreJson.Options)
        ?? throw new InvalidOperationException("Empty patient envelope.");

    /// <summary>The patient's address and message model, encrypted for the delivery <paramref name="deliveryId"/> only.</summary>
    public static string ProtectPatient(IPhiProtector phi, Guid deliveryId, PatientEnvelope envelope) =>
        phi.Protect(JsonSerializer.Serialize(envelope, StoreJson.Options), RecordOf(deliveryId));

    /// <summary>What a delivery's protected patient part is bound to.</summary>
    public static PhiRecord RecordOf(Guid id) => new("delivery", id);

    public Delivery WithAttempt(DateTimeOffset at, string outcome, string? reason) =>
        this with { History = [.. History.TakeLast(49), new DeliveryAttempt(Attempts, at, outcome, reason)] };

    public NotificationDelivered ToDelivered() => new()
    {
        DeliveryId = Id, SourceKey = SourceKey, Event = Event, CaseId = CaseId, FacilityId = FacilityId, Channel = Wire.Parse<NotificationChannel>(Channel),
        RecipientKind = RecipientKind, RecipientId = RecipientId, Attempts = Attempts, Transport = Transport ?? "", DeliveredAt = DeliveredAt!.Value,
    };

    public NotificationFailed ToFailed() => new()
    {
        DeliveryId = Id, SourceKey = SourceKey, Event = Event, CaseId = CaseId, FacilityId = FacilityId, Channel = Wire.Parse<NotificationChannel>(Channel),
        RecipientKind = RecipientKind, RecipientId = RecipientId, Attempts = Attempts, Reason = Reason ?? "unknown",
        FallbackChannel = Wire.ParseOptional<NotificationChannel>(FallbackChannel), FailedAt = FailedAt!.Value,
    };
}

public static class Recipients
{
    public const string Staff = "staff";
    public const string Patient = "patient";

    public static string PatientId(Guid submissionId) => $"patient:{submissionId}";

    /// <summary>The patient of a discharge (survey invitations): intake's discharge id, never the patient's identity.</summary>
    public static string DischargedPatientId(Guid dischargeId) => $"patient:discharge:{dischargeId}";
}

/// <summary>
/// The internal command that makes a worker attempt a delivery: published through the outbox with the delivery it belongs
/// to (first attempt), then scheduled durably for each retry, the end of quiet hours, or the end of a stale lease. Carries
/// ids only. A token derived from (delivery, attempt, purpose) makes scheduling the same one twice replace, not add.
/// </summary>
public sealed record DeliveryDue
{
    public required Guid DeliveryId { get; init; }
    public required int Attempt { get; init; }
    public Guid TokenId { get; init; }

    public static DeliveryDue For(Guid deliveryId, int attempt, string purpose) => new()
    {
        DeliveryId = deliveryId, Attempt = attempt, TokenId = DeterministicGuid($"{deliveryId:N}/{attempt}/{purpose}"),
    };

    private static Guid DeterministicGuid(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return new Guid(hash[..16]);
    }
}
