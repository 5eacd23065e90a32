using MassTransit;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Templates;

namespace PatientExperience.Notification.Planning;

/// <summary>
/// Delivers a survey invitation or reminder (<see cref="SendSurveyInvitation"/>) to a discharged patient: the contact from
/// intake (GetDischargeContact), by email, else SMS to a mobile number, in the command's language (else the patient's,
/// else English). The message holds the survey link and nothing else about the patient. Keyed by the command's MessageId:
/// sent again, it delivers once. The link is a bearer secret: it is kept only inside the delivery's encrypted envelope and
/// never logged or traced.
/// </summary>
public sealed partial class SurveyInvitationConsumer(NotificationPlanner planner, IDischargeContacts contacts, TimeProvider clock, ILogger<SurveyInvitationConsumer> logger)
    : IConsumer<SendSurveyInvitation>
{
    public const string InvitationEvent = "survey-invitation";
    public const string ReminderEvent = "survey-reminder";

    public async Task Consume(ConsumeContext<SendSurveyInvitation> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (m.Reminder < 0 || !Uri.TryCreate(m.Link, UriKind.Absolute, out var link) || (link.Scheme != Uri.UriSchemeHttps && link.Scheme != Uri.UriSchemeHttp))
        {
            LogRejected(logger, m.MessageId, m.InvitationId);
            return;
        }

        if (m.ExpiresAt <= clock.GetUtcNow())
        {
            // The link no longer works: sending it would only disappoint.
            LogExpired(logger, m.MessageId, m.InvitationId);
            return;
        }

        var contact = await contacts.GetAsync(m.DischargeId, m.FacilityId, ct);
        if (contact is null)
        {
            LogUnknownDischarge(logger, m.MessageId, m.DischargeId);
            return;
        }

        var @event = m.Reminder == 0 ? InvitationEvent : ReminderEvent;
        // Low severity: quiet hours apply (as to every patient message) and no fallback channel is tried.
        var source = new NotificationSource($"{@event}:{m.MessageId}", @event, null, m.FacilityId, Severity.Low);
        var facility = await planner.FacilityAsync(m.FacilityId, ct);
        var model = new PatientMessageModel { Event = @event, Facility = facility.Name, SurveyLink = m.Link, Reminder = m.Reminder };
        // Email, else SMS to a mobile number: a landline cannot take the link.
        var phone = contact.PhoneIsMobile ? contact.Phone : null;
        var language = string.IsNullOrWhiteSpace(m.Language) ? contact.PreferredLanguage : m.Language;
        var created = await planner.PlanPatientAsync(source, Recipients.DischargedPatientId(m.DischargeId), contact.Email, phone, language, model, ct);
        LogPlanned(logger, @event, m.MessageId, m.InvitationId, created ? 1 : 0);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SendSurveyInvitation {MessageId} for invitation {InvitationId} rejected: its link is not an absolute http(s) URL or its reminder number is negative")]
    private static partial void LogRejected(ILogger logger, Guid messageId, Guid invitationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "SendSurveyInvitation {MessageId} for invitation {InvitationId} arrived after the link expired; nothing is sent")]
    private static partial void LogExpired(ILogger logger, Guid messageId, Guid invitationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SendSurveyInvitation {MessageId}: intake does not know discharge {DischargeId}; nothing is sent")]
    private static partial void LogUnknownDischarge(ILogger logger, Guid messageId, Guid dischargeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Event} {MessageId} for invitation {InvitationId}: {Created} new delivery(ies)")]
    private static partial void LogPlanned(ILogger logger, string @event, Guid messageId, Guid invitationId, int created);
}
