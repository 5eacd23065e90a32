using MassTransit;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Notification;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Channels;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Templates;

namespace PatientExperience.Notification.Planning;

/// <summary>
/// Carries out a <see cref="SendNotification"/> command: its recipients (or the holders of its level, from the case service),
/// on its channels (or each recipient's preferences). Keyed by the command's NotificationId: sent again, it notifies nobody twice.
/// A command that cannot be carried out (unknown severity, channel or level, nobody to tell) is logged and dropped: retrying would not help.
/// </summary>
public sealed partial class SendNotificationConsumer(NotificationPlanner planner, CaseSummaryStore cases, ICaseDirectory directory, ILogger<SendNotificationConsumer> logger)
    : IConsumer<SendNotification>
{
    public async Task Consume(ConsumeContext<SendNotification> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (!Enum.IsDefined(m.Severity) || m.Channels?.Any(c => !Enum.IsDefined(c)) == true
            || (m.Recipients.Count == 0 && (m.Level is not { } level || !Enum.IsDefined(level))) || string.IsNullOrWhiteSpace(m.Title))
        {
            LogRejected(logger, m.NotificationId);
            return;
        }

        CaseSummary? summary = null;
        if (m.CaseId is { } caseId)
        {
            try
            {
                summary = await cases.GetAsync(caseId, m.FacilityId, ct);
            }
            catch (InvalidOperationException)
            {
                // Not a known case: the message still goes, without a case number.
            }
        }

        IReadOnlyList<StaffRecipient> recipients = m.Recipients.Count > 0 ? m.Recipients
            : await directory.ResolveRecipientsAsync(summary?.CaseId, m.FacilityId, null, m.Level!.Value, ct);
        var facility = await planner.FacilityAsync(m.FacilityId, ct);
        var source = new NotificationSource($"send-notification:{m.NotificationId}", "send-notification", m.CaseId, m.FacilityId, m.Severity);
        var model = new StaffMessageModel
        {
            Event = source.Event, CaseId = m.CaseId, CaseNumber = summary?.CaseNumber, FacilityId = m.FacilityId, Facility = facility.Name,
            Severity = m.Severity.ToWire(), Level = m.Level.ToWire(), RecipientName = "", Link = m.CaseId is null ? null : planner.LinkTo(m.CaseId),
            Title = m.Title, Message = m.Message,
        };
        var created = await planner.PlanStaffAsync(source, recipients, model, m.Channels?.Select(c => c.ToWire()).ToList(), ct);
        LogPlanned(logger, m.NotificationId, recipients.Count, created);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SendNotification {NotificationId} rejected: unknown severity, channel or level, no recipients, or no title")]
    private static partial void LogRejected(ILogger logger, Guid notificationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "SendNotification {NotificationId}: {Recipients} recipient(s), {Created} new delivery(ies)")]
    private static partial void LogPlanned(ILogger logger, Guid notificationId, int recipients, int created);
}
