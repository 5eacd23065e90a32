using MassTransit;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Templates;

namespace PatientExperience.Notification.Planning;

/// <summary>
/// Delivers an outreach invitation (with its RSVP link) or the day-before reminder (<see cref="SendOutreachMessage"/>) to a
/// survey respondent who agreed to be approached: the contact from intake (GetDischargeContact by the contact reference),
/// by email, else SMS to a mobile number, in the command's language. The message names the facility, the event's kind,
/// topic, time (in the facility's zone) and place, and nothing about the respondent. Keyed by the command's MessageId: sent
/// again, it delivers once. The link is a bearer secret: kept only inside the delivery's encrypted envelope, never logged or traced.
/// </summary>
public sealed partial class OutreachMessageConsumer(NotificationPlanner planner, IDischargeContacts contacts, TimeProvider clock, ILogger<OutreachMessageConsumer> logger)
    : IConsumer<SendOutreachMessage>
{
    public const string InvitationEvent = "outreach-invitation";
    public const string ReminderEvent = "outreach-reminder";

    public async Task Consume(ConsumeContext<SendOutreachMessage> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var invitation = m.Kind == OutreachMessageKind.Invitation;
        if (!Enum.IsDefined(m.Kind) || !Enum.IsDefined(m.EventKind) || (invitation && !IsHttpUrl(m.Link)))
        {
            LogRejected(logger, m.MessageId, m.OutreachEventId);
            return;
        }

        if (m.StartsAt <= clock.GetUtcNow())
        {
            // The event has begun: an invitation or reminder now would only disappoint.
            LogTooLate(logger, m.MessageId, m.OutreachEventId);
            return;
        }

        var contact = await contacts.GetAsync(m.ContactReference, m.FacilityId, ct);
        if (contact is null)
        {
            LogUnknownContact(logger, m.MessageId, m.OutreachEventId);
            return;
        }

        var @event = invitation ? InvitationEvent : ReminderEvent;
        // Low severity: quiet hours apply (as to every patient message) and no fallback channel is tried.
        var source = new NotificationSource($"{@event}:{m.MessageId}", @event, null, m.FacilityId, Severity.Low);
        var facility = await planner.FacilityAsync(m.FacilityId, ct);
        var model = new PatientMessageModel
        {
            Event = @event, Facility = facility.Name, RsvpLink = invitation ? m.Link : null, Topic = m.Topic, Location = m.Location,
            When = NotificationPlanner.LocalTime(m.StartsAt, facility), FocusGroup = m.EventKind == OutreachEventKind.FocusGroup,
        };
        // Email, else SMS to a mobile number: a landline cannot take the link.
        var phone = contact.PhoneIsMobile ? contact.Phone : null;
        var language = string.IsNullOrWhiteSpace(m.Language) ? contact.PreferredLanguage : m.Language;
        var created = await planner.PlanPatientAsync(source, Recipients.DischargedPatientId(m.ContactReference), contact.Email, phone, language, model, ct);
        LogPlanned(logger, @event, m.MessageId, m.OutreachEventId, created ? 1 : 0);
    }

    private static bool IsHttpUrl(string? link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SendOutreachMessage {MessageId} for outreach event {EventId} rejected: unknown kind, or an invitation without an absolute http(s) link")]
    private static partial void LogRejected(ILogger logger, Guid messageId, Guid eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "SendOutreachMessage {MessageId} for outreach event {EventId} arrived after the event began; nothing is sent")]
    private static partial void LogTooLate(ILogger logger, Guid messageId, Guid eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SendOutreachMessage {MessageId} for outreach event {EventId}: intake does not know the respondent's discharge; nothing is sent")]
    private static partial void LogUnknownContact(ILogger logger, Guid messageId, Guid eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Event} {MessageId} for outreach event {EventId}: {Created} new delivery(ies)")]
    private static partial void LogPlanned(ILogger logger, string @event, Guid messageId, Guid eventId, int created);
}
