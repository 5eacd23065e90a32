using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Channels;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Preferences;
using PatientExperience.Notification.Templates;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Notification.Planning;

/// <summary>What caused a notification: its business key (unique per cause), the template event, the case and its severity.</summary>
public sealed record NotificationSource(string SourceKey, string Event, Guid? CaseId, string FacilityId, Severity Severity);

/// <summary>
/// Decides who gets what and creates the deliveries: for each member of staff, the inbox plus the channels their preferences
/// (or the defaults) give for the severity; for a patient, email when they gave one, else SMS, in their language. A delivery
/// is unique per (cause, recipient, channel), so planning the same cause again creates nothing.
/// </summary>
public sealed partial class NotificationPlanner(
    DeliveryStore deliveries, PreferenceStore preferences, ICaseDirectory directory, NotificationPhiProtector phi, StaffText staffText,
    IOptions<NotificationOptions> options, TimeProvider clock, ILogger<NotificationPlanner> logger)
{
    /// <summary>The case in the staff console.</summary>
    public string LinkTo(Guid? caseId) => caseId is { } id ? $"{options.Value.ConsoleBaseUrl.TrimEnd('/')}/cases/{id}" : options.Value.ConsoleBaseUrl;

    /// <summary>The facility as messages name it (its id if the directory does not know it).</summary>
    public async Task<FacilityInfo> FacilityAsync(string facilityId, CancellationToken ct) =>
        await directory.FacilityAsync(facilityId, ct) ?? new FacilityInfo(facilityId, facilityId, "UTC", new Dictionary<string, string>(), new Dictionary<string, string>());

    /// <summary>A time as staff read it: in the facility's zone, with the zone named.</summary>
    public static string LocalTime(DateTimeOffset at, FacilityInfo facility)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(facility.TimeZone, out var tz) ? tz : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + facility.TimeZone;
    }

    /// <param name="model">The message; its recipient name is set per recipient.</param>
    /// <param name="channels">Fixed channels (e.g. inbox only), or null for each person's preferences.</param>
    public async Task<int> PlanStaffAsync(NotificationSource source, IReadOnlyList<StaffRecipient> recipients, StaffMessageModel model,
        IReadOnlyList<string>? channels, CancellationToken ct)
    {
        var created = 0;
        var facility = await FacilityAsync(source.FacilityId, ct);
        foreach (var recipient in recipients.DistinctBy(r => r.PersonId))
        {
            var wanted = channels ?? await ChannelsForAsync(recipient.PersonId, source.Severity, ct);
            foreach (var channel in wanted.Prepend(Channel.Inbox).Distinct(StringComparer.Ordinal).Where(c => channels is null || channels.Contains(c)))
            {
                var delivery = staffText.Seal(New(source, recipient.PersonId, Recipients.Staff, channel) with
                {
                    RecipientName = recipient.Name,
                    Staff = new StaffAddress(recipient.Email, recipient.Phone, recipient.Pager),
                    StaffMessage = model with { RecipientName = recipient.Name },
                    TimeZone = recipient.TimeZone ?? facility.TimeZone,
                });
                var ok = await deliveries.CreateAsync(delivery, clock.GetUtcNow(), ct);
                if (ok) created++;
                else LogDuplicate(logger, source.Event, recipient.PersonId, channel);
            }
        }

        return created;
    }

    /// <summary>Tells a patient: by email when they gave one, else SMS; with neither, a delivery that fails for want of an address (and says so).</summary>
    public Task<bool> PlanPatientAsync(NotificationSource source, Guid submissionId, PatientContact contact, PatientMessageModel model, CancellationToken ct) =>
        PlanPatientAsync(source, Recipients.PatientId(submissionId), contact.Email, contact.Phone, contact.PreferredLanguage, model, ct);

    /// <summary>Tells a patient at an address: by email when there is one, else SMS; with neither, a delivery that fails for want of an address.</summary>
    /// <param name="language">BCP-47 or a language name; a language without templates gets English.</param>
    public async Task<bool> PlanPatientAsync(NotificationSource source, string recipientId, string? email, string? phone, string? language, PatientMessageModel model, CancellationToken ct)
    {
        var facility = await FacilityAsync(source.FacilityId, ct);
        var channel = email is null && phone is not null ? Channel.Sms : Channel.Email;
        var planned = New(source, recipientId, Recipients.Patient, channel);
        var delivery = planned with
        {
            ProtectedPatient = Delivery.ProtectPatient(phi, planned.Id, new PatientEnvelope(email, phone, model)),
            Locale = TemplateRenderer.LocaleFor(language),
            TimeZone = facility.TimeZone,
        };
        var created = await deliveries.CreateAsync(delivery, clock.GetUtcNow(), ct);
        if (!created) LogDuplicate(logger, source.Event, delivery.RecipientId, channel);
        return created;
    }

    private async Task<IReadOnlyList<string>> ChannelsForAsync(string personId, Severity severity, CancellationToken ct)
    {
        var p = await preferences.GetAsync(personId, ct);
        return p?.Channels.For(severity) ?? options.Value.DefaultChannels.For(severity);
    }

    private Delivery New(NotificationSource source, string recipientId, string kind, string channel) => new()
    {
        Id = NewId.NextGuid(),
        Key = Delivery.KeyFor(source.SourceKey, recipientId, channel),
        SourceKey = source.SourceKey,
        Event = source.Event,
        CaseId = source.CaseId,
        FacilityId = source.FacilityId,
        Severity = source.Severity,
        Channel = channel,
        RecipientKind = kind,
        RecipientId = recipientId,
        Status = DeliveryStatus.Pending,
        CreatedAt = clock.GetUtcNow(),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Event} to {RecipientId} on {Channel} exists already; duplicate cause ignored")]
    private static partial void LogDuplicate(ILogger logger, string @event, string recipientId, string channel);
}
