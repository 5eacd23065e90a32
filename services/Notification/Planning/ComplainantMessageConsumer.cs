using MassTransit;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Templates;

namespace PatientExperience.Notification.Planning;

/// <summary>
/// Tells a complainant what the case service asks (<see cref="SendComplainantMessage"/>), with the link to their status page:
/// the acknowledgement (cause <c>case-opened:{caseId}</c>, as the acknowledgement without a link would be, and only when they
/// asked for a response), that staff replied (cause <c>case-message-reply:{messageId}</c>) or their new link after staff
/// reissued a revoked one (cause <c>case-link-reissued:{messageId}</c>). By email, else SMS, in their
/// language; the contact from intake's GetSubmission, or GetDischargeContact for a case from a survey (always acknowledged:
/// service recovery is the response). The link is a bearer secret: kept only in the delivery's encrypted
/// envelope, never logged or traced. The reply itself is never sent: the complainant reads it on the page.
/// </summary>
public sealed partial class ComplainantMessageConsumer(
    NotificationPlanner planner, CasePatientContacts patients, CaseSummaryStore cases, Limits.AnonymousEmailLimit limit, ILogger<ComplainantMessageConsumer> logger)
    : IConsumer<SendComplainantMessage>
{
    public const string AcknowledgementEvent = "case-opened";
    public const string ReplyEvent = "case-message-reply";
    public const string ReissueEvent = "case-link-reissued";

    public async Task Consume(ConsumeContext<SendComplainantMessage> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (!Uri.TryCreate(m.StatusLink, UriKind.Absolute, out var link) || (link.Scheme != Uri.UriSchemeHttps && link.Scheme != Uri.UriSchemeHttp))
        {
            LogRejected(logger, m.MessageId, m.CaseId);
            return;
        }

        var contact = await patients.GetAsync(m.SubmissionId, m.DischargeId, m.FacilityId, ct);
        if (contact is null)
        {
            LogNoSubmission(logger, m.MessageId, m.CaseId, m.SubmissionId);
            return;
        }

        var acknowledgement = m.Kind == ComplainantMessageKind.Acknowledgement;
        if (acknowledgement && !contact.ResponseRequested)
        {
            LogNoResponseRequested(logger, m.CaseId);
            return;
        }

        // An acknowledgement to an address someone gave through the anonymous form: at most so many per address per day. A case
        // the notification service has not seen open yet counts as anonymous (the safe side).
        if (acknowledgement && contact.Email is { } email && await OriginAsync(m, ct) == SubmissionOrigin.Anonymous && !await limit.TryTakeAsync(email, ct))
        {
            LogLimited(logger, m.CaseId);
            return;
        }

        var @event = m.Kind switch
        {
            ComplainantMessageKind.Acknowledgement => AcknowledgementEvent,
            ComplainantMessageKind.LinkReissued => ReissueEvent,
            _ => ReplyEvent,
        };
        var source = new NotificationSource(acknowledgement ? $"case-opened:{m.CaseId}" : $"{@event}:{m.MessageId}", @event, m.CaseId, m.FacilityId, m.Severity);
        var facility = await planner.FacilityAsync(m.FacilityId, ct);
        var model = new PatientMessageModel { Event = @event, PatientName = SafeName.From(contact.Name), CaseNumber = m.CaseNumber, Facility = facility.Name, StatusLink = m.StatusLink };
        var created = await planner.PlanPatientAsync(source, m.SubmissionId, contact, model, ct);
        LogPlanned(logger, @event, m.CaseId, created ? 1 : 0);
    }

    private async Task<SubmissionOrigin> OriginAsync(SendComplainantMessage m, CancellationToken ct)
    {
        try
        {
            return (await cases.GetAsync(m.CaseId, m.FacilityId, ct)).SubmittedBy;
        }
        catch (InvalidOperationException)
        {
            return SubmissionOrigin.Anonymous;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseId}: the address given anonymously had its acknowledgements for today; none is sent")]
    private static partial void LogLimited(ILogger logger, Guid caseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SendComplainantMessage {MessageId} for case {CaseId} rejected: its link is not an absolute http(s) URL")]
    private static partial void LogRejected(ILogger logger, Guid messageId, Guid caseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SendComplainantMessage {MessageId} for case {CaseId}: intake does not know its submission {SubmissionId} or discharge; the complainant is not told")]
    private static partial void LogNoSubmission(ILogger logger, Guid messageId, Guid caseId, Guid submissionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: no response was requested; no acknowledgement is sent")]
    private static partial void LogNoResponseRequested(ILogger logger, Guid caseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Event} for case {CaseId}: {Created} new delivery(ies)")]
    private static partial void LogPlanned(ILogger logger, string @event, Guid caseId, int created);
}
