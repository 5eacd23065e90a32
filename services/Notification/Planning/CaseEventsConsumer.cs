using System.Globalization;
using MassTransit;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Channels;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Templates;

namespace PatientExperience.Notification.Planning;

/// <summary>
/// Turns the case service's events into notifications (the routing table of docs/architecture.md):
/// <list type="bullet">
/// <item>CaseOpened: remembers the case; the patient gets an acknowledgement when they asked for a response, unless the case
/// service offers a status page (then <see cref="ComplainantMessageConsumer"/> acknowledges, with the link).</item>
/// <item>CaseEscalated: the people at the new level (from the event, else the case service), by their preferences; a triage
/// notice (reason <c>critical-triage</c>) on inbox and email only.</item>
/// <item>SlaBreached: the people at the level that missed the deadline.</item>
/// <item>CaseAssigned: the recipients the event names, else the department's heads.</item>
/// <item>InterimNoticeDue, ResponseLetterIssued: the patient, by email or SMS, in their language.</item>
/// <item>CaseResolved: the unit level's inbox.</item>
/// </list>
/// Each cause has a business key, so a redelivered or duplicated event notifies nobody twice.
/// </summary>
public sealed partial class CaseEventsConsumer(
    NotificationPlanner planner, CaseSummaryStore cases, ICaseDirectory directory, CasePatientContacts patients, Limits.AnonymousEmailLimit limit, ILogger<CaseEventsConsumer> logger)
    : IConsumer<CaseOpened>, IConsumer<CaseEscalated>, IConsumer<SlaBreached>, IConsumer<CaseAssigned>,
      IConsumer<InterimNoticeDue>, IConsumer<ResponseLetterIssued>, IConsumer<CaseResolved>
{
    /// <summary>The channels of a triage notice (<see cref="EscalationReason.CriticalTriage"/>): no SMS, no pager.</summary>
    public static readonly IReadOnlyList<string> TriageChannels = [Channel.Inbox, Channel.Email];

    public async Task Consume(ConsumeContext<CaseOpened> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var summary = new CaseSummary
        {
            CaseId = m.CaseId, CaseNumber = m.CaseNumber, SubmissionId = m.SubmissionId, DischargeId = m.DischargeId, FacilityId = m.FacilityId,
            DepartmentId = m.DepartmentId, UnitId = m.UnitId, Severity = m.Severity, SubmittedBy = m.SubmittedBy,
        };
        await cases.RememberAsync(summary, ct);
        // The case service acknowledges with the status page link itself (SendComplainantMessage, the same cause key).
        if (m.StatusPageOffered) return;
        await TellPatientAsync(new NotificationSource($"case-opened:{m.CaseId}", "case-opened", m.CaseId, m.FacilityId, m.Severity),
            summary, letterKind: null, onlyIfResponseRequested: true, ct);
    }

    public async Task Consume(ConsumeContext<CaseEscalated> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var summary = await cases.GetAsync(m.CaseId, m.FacilityId, ct);
        var recipients = m.Recipients.Count > 0 ? m.Recipients : await directory.ResolveRecipientsAsync(m.CaseId, m.FacilityId, null, m.ToLevel, ct);
        var source = new NotificationSource($"case-escalated:{m.CaseId}:{m.ToLevel.ToWire()}:{Stamp(m.EscalatedAt)}", "case-escalated", m.CaseId, m.FacilityId, m.Severity);
        var model = await StaffModelAsync(source, summary, ct) with { Level = m.ToLevel.ToWire(), FromLevel = m.FromLevel.ToWire(), Reason = m.Reason.ToWire(), When = await LocalAsync(m.EscalatedAt, m.FacilityId, ct) };
        // A critical concern from an anonymous channel, not yet confirmed by staff: its triage is told on inbox and email, never
        // by SMS or pager (the executives are paged when staff confirm it, or when its deadline passes).
        var channels = m.Reason == EscalationReason.CriticalTriage ? TriageChannels : null;
        var created = await planner.PlanStaffAsync(source, recipients, model, channels, ct);
        LogPlanned(logger, source.Event, m.CaseId, recipients.Count, created);
    }

    public async Task Consume(ConsumeContext<SlaBreached> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var summary = await cases.GetAsync(m.CaseId, m.FacilityId, ct);
        var recipients = await directory.ResolveRecipientsAsync(m.CaseId, m.FacilityId, null, m.Level, ct);
        var source = new NotificationSource($"sla-breached:{m.CaseId}:{m.Level.ToWire()}:{m.Deadline.ToWire()}:{Stamp(m.DueAt)}", "sla-breached", m.CaseId, m.FacilityId, m.Severity);
        var model = await StaffModelAsync(source, summary, ct) with { Level = m.Level.ToWire(), Deadline = m.Deadline.ToWire(), When = await LocalAsync(m.DueAt, m.FacilityId, ct) };
        var created = await planner.PlanStaffAsync(source, recipients, model, null, ct);
        LogPlanned(logger, source.Event, m.CaseId, recipients.Count, created);
    }

    public async Task Consume(ConsumeContext<CaseAssigned> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var summary = await cases.GetAsync(m.CaseId, m.FacilityId, ct);
        IReadOnlyList<StaffRecipient> recipients = m.Recipients.Count > 0 ? m.Recipients
            : m.DepartmentId is not null ? await directory.ResolveRecipientsAsync(null, m.FacilityId, m.DepartmentId, EscalationLevel.Department, ct)
            : [];
        var source = new NotificationSource($"case-assigned:{m.CaseId}:{Stamp(m.AssignedAt)}", "case-assigned", m.CaseId, m.FacilityId, m.Severity);
        var model = await StaffModelAsync(source, summary with { DepartmentId = m.DepartmentId ?? summary.DepartmentId }, ct);
        var created = await planner.PlanStaffAsync(source, recipients, model, null, ct);
        LogPlanned(logger, source.Event, m.CaseId, recipients.Count, created);
    }

    public async Task Consume(ConsumeContext<CaseResolved> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var summary = await cases.GetAsync(m.CaseId, m.FacilityId, ct);
        var recipients = await directory.ResolveRecipientsAsync(m.CaseId, m.FacilityId, null, EscalationLevel.Unit, ct);
        var source = new NotificationSource($"case-resolved:{m.CaseId}:{Stamp(m.ResolvedAt)}", "case-resolved", m.CaseId, m.FacilityId, m.Severity);
        var model = await StaffModelAsync(source, summary, ct) with { When = await LocalAsync(m.ResolvedAt, m.FacilityId, ct) };
        // Information, not a call to act: the inbox only.
        var created = await planner.PlanStaffAsync(source, recipients, model, [Channel.Inbox], ct);
        LogPlanned(logger, source.Event, m.CaseId, recipients.Count, created);
    }

    public async Task Consume(ConsumeContext<InterimNoticeDue> context)
    {
        var m = context.Message;
        var summary = await cases.GetAsync(m.CaseId, m.FacilityId, context.CancellationToken);
        await TellPatientAsync(new NotificationSource($"interim-notice-due:{m.CaseId}:{Stamp(m.DueAt)}", "interim-notice-due", m.CaseId, m.FacilityId, m.Severity),
            summary, letterKind: LetterKind.Interim, onlyIfResponseRequested: false, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<ResponseLetterIssued> context)
    {
        var m = context.Message;
        var summary = await cases.GetAsync(m.CaseId, m.FacilityId, context.CancellationToken);
        await TellPatientAsync(new NotificationSource($"response-letter-issued:{m.LetterId}", "response-letter-issued", m.CaseId, m.FacilityId, summary.Severity ?? Severity.Medium),
            summary, letterKind: m.Kind, onlyIfResponseRequested: false, context.CancellationToken);
    }

    private async Task TellPatientAsync(NotificationSource source, CaseSummary summary, LetterKind? letterKind, bool onlyIfResponseRequested, CancellationToken ct)
    {
        var contact = await patients.GetAsync(summary.SubmissionId, summary.DischargeId, summary.FacilityId, ct);
        if (contact is null)
        {
            LogNoSubmission(logger, source.Event, summary.CaseId, summary.SubmissionId);
            return;
        }

        if (onlyIfResponseRequested && !contact.ResponseRequested)
        {
            LogNoResponseRequested(logger, source.Event, summary.CaseId);
            return;
        }

        // The acknowledgement (the one message a stranger's submission triggers) to an address given anonymously is limited per address.
        if (letterKind is null && summary.SubmittedBy == SubmissionOrigin.Anonymous && contact.Email is { } email && !await limit.TryTakeAsync(email, ct))
        {
            LogLimited(logger, source.Event, summary.CaseId);
            return;
        }

        var facility = await planner.FacilityAsync(summary.FacilityId, ct);
        var model = new PatientMessageModel
        {
            Event = source.Event, PatientName = SafeName.From(contact.Name), CaseNumber = summary.CaseNumber, Facility = facility.Name, LetterKind = letterKind.ToWire(),
        };
        var created = await planner.PlanPatientAsync(source, summary.SubmissionId, contact, model, ct);
        LogPlanned(logger, source.Event, summary.CaseId, 1, created ? 1 : 0);
    }

    private async Task<StaffMessageModel> StaffModelAsync(NotificationSource source, CaseSummary summary, CancellationToken ct)
    {
        var facility = await planner.FacilityAsync(summary.FacilityId, ct);
        return new StaffMessageModel
        {
            Event = source.Event, CaseId = summary.CaseId, CaseNumber = summary.CaseNumber, FacilityId = summary.FacilityId, Facility = facility.Name,
            Department = summary.DepartmentId is { } d ? facility.Departments.GetValueOrDefault(d, d) : null,
            Unit = summary.UnitId is { } u ? facility.Units.GetValueOrDefault(u, u) : null,
            Severity = source.Severity.ToWire(), RecipientName = "", Link = planner.LinkTo(summary.CaseId),
        };
    }

    private async Task<string> LocalAsync(DateTimeOffset at, string facilityId, CancellationToken ct) =>
        NotificationPlanner.LocalTime(at, await planner.FacilityAsync(facilityId, ct));

    private static string Stamp(DateTimeOffset at) => at.UtcTicks.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Event} for case {CaseId}: {Recipients} recipient(s), {Created} new delivery(ies)")]
    private static partial void LogPlanned(ILogger logger, string @event, Guid caseId, int recipients, int created);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Event} for case {CaseId}: intake does not know its submission {SubmissionId} or discharge; the patient is not told")]
    private static partial void LogNoSubmission(ILogger logger, string @event, Guid caseId, Guid submissionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Event} for case {CaseId}: the address given anonymously had its acknowledgements for today; none is sent")]
    private static partial void LogLimited(ILogger logger, string @event, Guid caseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Event} for case {CaseId}: no response was requested; no acknowledgement is sent")]
    private static partial void LogNoResponseRequested(ILogger logger, string @event, Guid caseId);
}
