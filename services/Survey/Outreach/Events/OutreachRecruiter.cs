using MassTransit;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;
using PatientExperience.Survey.Invitations;

namespace PatientExperience.Survey.Outreach.Events;

/// <summary>
/// Invites the consenting respondents an event recruits (<see cref="OutreachEvent.Matches"/>), each once: the invitation
/// (a fresh 256-bit RSVP token, only its hash kept) and the <see cref="SendOutreachMessage"/> that carries the link are one
/// write, under an id made from the event and the respondent, so a redelivery or a second "recruit" invites nobody twice.
/// Stops as soon as the event stops inviting (full, cancelled, started) or at <see cref="OutreachOptions.MaxInvitationsPerEvent"/>.
/// Also puts the day-before reminder on the durable scheduler (the same token each time: replaced, never doubled).
/// </summary>
public sealed partial class OutreachRecruiter(
    OutreachEventStore events, OutreachStore consents, TimeProvider clock, IOptions<SurveyOptions> options, ILogger<OutreachRecruiter> logger)
    : IConsumer<OutreachRecruitmentRequested>
{
    public const string Queue = "survey-outreach-recruitment";
    public const string ReminderQueue = "survey-outreach-reminder-due";
    private const int PageSize = 200;

    public async Task Consume(ConsumeContext<OutreachRecruitmentRequested> context)
    {
        var ct = context.CancellationToken;
        var stored = await events.GetAsync(context.Message.EventId, ct);
        if (stored is null || !stored.Document.IsInviting(clock.GetUtcNow())) return;
        var e = stored.Document;
        await ScheduleReminderAsync(context, e);

        var max = options.Value.Outreach.MaxInvitationsPerEvent;
        var invited = await events.InvitedCountAsync(e.Id, ct);
        var added = 0;
        for (var page = 1; invited < max; page++)
        {
            var batch = await consents.ListAsync(e.FacilityId, null, page, PageSize, ct);
            foreach (var consent in batch.Items.Select(i => i.Document).Where(e.Matches))
            {
                if (invited >= max) break;
                var invitationId = e.InvitationIdFor(consent.ContactReference);
                if (await events.GetInvitationAsync(invitationId, ct) is not null) continue;
                // Read the event again before each invitation: a yes may have just taken the last seat.
                var now = clock.GetUtcNow();
                var current = (await events.GetAsync(e.Id, ct))?.Document;
                if (current is null || !current.IsInviting(now))
                {
                    LogStopped(logger, e.Id, added);
                    return;
                }

                if (await InviteAsync(current, consent, invitationId, now, ct))
                {
                    invited++;
                    added++;
                }
            }

            if (batch.Items.Count < PageSize) break;
        }

        LogRecruited(logger, e.Id, added, invited);
    }

    private async Task<bool> InviteAsync(OutreachEvent e, OutreachConsent consent, Guid invitationId, DateTimeOffset now, CancellationToken ct)
    {
        var token = SurveyToken.New();
        var invitation = new OutreachInvitation
        {
            Id = invitationId, EventId = e.Id, FacilityId = e.FacilityId, ResponseId = consent.ResponseId, ContactReference = consent.ContactReference,
            Language = consent.Language, TokenHash = SurveyToken.Hash(token), InvitedAt = now,
        };
        var send = new SendOutreachMessage
        {
            MessageId = OutreachEvent.Deterministic($"{invitationId:N}/invitation"), Kind = OutreachMessageKind.Invitation, OutreachEventId = e.Id,
            OutreachInvitationId = invitationId, ContactReference = consent.ContactReference, FacilityId = e.FacilityId, Language = consent.Language,
            EventKind = e.Kind, Topic = e.Topic, StartsAt = e.StartsAt, Location = e.Location, Link = options.Value.RsvpLinkFor(token), RequestedAt = now,
        };
        try
        {
            await events.InsertInvitationAsync(invitation, OutboxMessages.Create(send, now, send.MessageId), ct);
            SurveyTelemetry.OutreachInvitations.Add(1, new KeyValuePair<string, object?>("facility", e.FacilityId));
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false; // invited by a concurrent recruitment of the same event
        }
    }

    /// <summary>The day-before reminder, when that is still ahead.</summary>
    private async Task ScheduleReminderAsync(ConsumeContext context, OutreachEvent e)
    {
        if (e.ReminderSentAt is not null || e.ReminderDueAt <= clock.GetUtcNow()) return;
        await context.ScheduleSend(new Uri($"queue:{ReminderQueue}"), e.ReminderDueAt.UtcDateTime,
            new OutreachReminderDue { EventId = e.Id, TokenId = e.ReminderTokenId }, context.CancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outreach event {EventId}: {Added} respondent(s) invited, {Invited} in all")]
    private static partial void LogRecruited(ILogger logger, Guid eventId, int added, long invited);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outreach event {EventId} stopped inviting (full, cancelled or started) after {Added} new invitation(s)")]
    private static partial void LogStopped(ILogger logger, Guid eventId, int added);
}

/// <summary>
/// The day before an event: a reminder to each invitee attending, once (<see cref="OutreachEvent.RemindAttendees"/>), the
/// event's new state and the commands in one write, so a timer firing twice reminds nobody twice.
/// </summary>
public sealed partial class OutreachReminderConsumer(OutreachEventStore events, TimeProvider clock, ILogger<OutreachReminderConsumer> logger)
    : IConsumer<OutreachReminderDue>
{
    public async Task Consume(ConsumeContext<OutreachReminderDue> context)
    {
        var ct = context.CancellationToken;
        var stored = await events.GetAsync(context.Message.EventId, ct);
        if (stored is null) return;
        var now = clock.GetUtcNow();
        var change = stored.Document.RemindAttendees(now);
        if (change.Event is null)
        {
            LogSkipped(logger, context.Message.EventId, change.Conflict!);
            return;
        }

        // A conflict (an RSVP arrived meanwhile) throws: the retry reads again and decides again.
        await events.ReplaceAsync(change.Event, stored.Version, change.Messages.Select(m => OutboxMessages.Create(m, now, ((SendOutreachMessage)m).MessageId)).ToList(), ct);
        LogReminded(logger, context.Message.EventId, change.Messages.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outreach event {EventId}: reminder sent to {Count} attendee(s)")]
    private static partial void LogReminded(ILogger logger, Guid eventId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outreach event {EventId}: no reminder ({Reason})")]
    private static partial void LogSkipped(ILogger logger, Guid eventId, string reason);
}
