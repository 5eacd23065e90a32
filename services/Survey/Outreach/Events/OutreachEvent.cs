using System.Security.Cryptography;
using System.Text;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.ServiceDefaults.Text;
using PatientExperience.Survey.Invitations;

namespace PatientExperience.Survey.Outreach.Events;

/// <summary>
/// Who an outreach event recruits among the respondents who agreed to be approached: a language (the event's own languages
/// when none is given), an age band and a unit; an empty list means any.
/// </summary>
public sealed record OutreachCriteria
{
    public IReadOnlyList<string> Languages { get; init; } = [];
    public IReadOnlyList<string> AgeBands { get; init; } = [];
    public IReadOnlyList<string> UnitIds { get; init; } = [];
}

/// <summary>One invited respondent's answer: ids and their survey language only (what a reminder needs), never a contact.</summary>
public sealed record OutreachRsvp(Guid InvitationId, bool Attending, DateTimeOffset At, Guid ContactReference, string Language);

/// <summary>What happened at the event: which invitees came, how many others, and the themes heard (encrypted like PHI).</summary>
public sealed record OutreachOutcome(IReadOnlyList<Guid> AttendedInvitationIds, int OtherAttendees, string? ProtectedThemes, DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>What staff ask for when they plan an event, unchecked.</summary>
public sealed record OutreachEventDraft(
    string? FacilityId, OutreachEventKind? Kind, string? Topic, DateTimeOffset? StartsAt, string? Location, int? Capacity,
    IReadOnlyList<string>? Languages, OutreachCriteria? Criteria);

/// <summary>Why an RSVP is refused.</summary>
public enum RsvpRefusal { None, AlreadyAnswered, Full, Cancelled, Over }

/// <summary>What a change came to: the event after it (with the messages it causes), or why not.</summary>
public sealed record OutreachChange(OutreachEvent? Event, IReadOnlyList<object> Messages, string? Conflict)
{
    public static OutreachChange Refused(string conflict) => new(null, [], conflict);
}

/// <summary>
/// A focus group or community event and its recruitment. The rules are here: what a valid event is; that recruiting starts
/// from planned and only before the event; that a "yes" takes a seat only while seats are left (the event turns
/// <see cref="OutreachEventStatus.Full"/> with the last one, and stops inviting); that each invitation answers once; that
/// attendance and themes are recorded once the event has started, naming only invitees who said yes; and that the reminder
/// goes the day before to those attending, once.
/// </summary>
public sealed record OutreachEvent
{
    public const int MaxTopicLength = 200;
    public const int MaxLocationLength = 300;
    public const int MaxCapacity = 500;
    public const int MaxCriteriaValues = 20;
    public const int MaxThemesLength = 10_000;
    public const int MaxImprovementActions = 50;

    /// <summary>The languages invitations can be written in (the survey's): an event held in others recruits in these.</summary>
    public static readonly IReadOnlyList<string> SupportedLanguages = ["en", "es"];

    /// <summary>How long before the start the reminder goes to those attending.</summary>
    public static readonly TimeSpan ReminderLead = TimeSpan.FromDays(1);

    public required Guid Id { get; init; }

    /// <summary>What the outcome's themes are bound to: they decrypt on this event only.</summary>
    public static PhiRecord RecordOf(Guid id) => new("outreach-event", id);
    public required string FacilityId { get; init; }
    public required OutreachEventKind Kind { get; init; }
    public required string Topic { get; init; }
    public required DateTimeOffset StartsAt { get; init; }
    public required string Location { get; init; }
    public required int Capacity { get; init; }
    public required IReadOnlyList<string> Languages { get; init; }
    public required OutreachCriteria Criteria { get; init; }
    public required OutreachEventStatus Status { get; init; }
    public IReadOnlyList<OutreachRsvp> Rsvps { get; init; } = [];
    public OutreachOutcome? Outcome { get; init; }
    public IReadOnlyList<Guid> ImprovementActionIds { get; init; } = [];
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public string? IdempotencyKey { get; init; }
    public DateTimeOffset? RecruitingSince { get; init; }
    public DateTimeOffset? ReminderSentAt { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>Seats taken: invitees who said yes.</summary>
    public int Attending => Rsvps.Count(r => r.Attending);

    public int SeatsLeft => Math.Max(0, Capacity - Attending);

    /// <summary>When the reminder is due: a day before the start.</summary>
    public DateTimeOffset ReminderDueAt => StartsAt - ReminderLead;

    public static (OutreachEvent? Event, Dictionary<string, string[]> Errors) Plan(OutreachEventDraft d, string createdBy, string? idempotencyKey, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(d.FacilityId)) errors["facilityId"] = ["Required."];
        if (d.Kind is null) errors["kind"] = ["Required: " + string.Join(" or ", Wire.All<OutreachEventKind>()) + "."];
        Text(errors, "topic", d.Topic, MaxTopicLength);
        Text(errors, "location", d.Location, MaxLocationLength);
        if (d.StartsAt is not { } startsAt) errors["startsAt"] = ["Required: an ISO 8601 date and time with its offset."];
        else if (startsAt <= now) errors["startsAt"] = ["Must be in the future."];
        if (d.Capacity is not { } capacity) errors["capacity"] = ["Required."];
        else if (capacity is < 1 or > MaxCapacity) errors["capacity"] = [$"Must be 1 to {MaxCapacity}."];
        var languages = d.Languages ?? [];
        if (languages.Count == 0) errors["languages"] = ["At least one: " + string.Join(", ", SupportedLanguages) + "."];
        else if (languages.Any(l => !SupportedLanguages.Contains(l)) || languages.Distinct(StringComparer.Ordinal).Count() != languages.Count)
            errors["languages"] = ["Each once, one of: " + string.Join(", ", SupportedLanguages) + "."];
        var criteria = d.Criteria ?? new OutreachCriteria();
        if (criteria.Languages is null || criteria.AgeBands is null || criteria.UnitIds is null) errors["criteria"] = ["Lists may be empty (any) but not null."];
        else
        {
            if (criteria.Languages.Count > MaxCriteriaValues || criteria.Languages.Any(l => !languages.Contains(l)))
                errors["criteria.languages"] = ["Each must be one of the event's languages (empty: all of them)."];
            if (criteria.AgeBands.Count > MaxCriteriaValues || criteria.AgeBands.Any(b => !Eligibility.AdultAgeBands.Contains(b)))
                errors["criteria.ageBands"] = ["Each must be one of: " + string.Join(", ", Eligibility.AdultAgeBands) + " (empty: any)."];
            if (criteria.UnitIds.Count > MaxCriteriaValues || criteria.UnitIds.Any(u => !IsId(u)))
                errors["criteria.unitIds"] = [$"At most {MaxCriteriaValues} unit ids (letters, digits, '-', '_'; empty: any unit)."];
        }

        if (errors.Count > 0) return (null, errors);
        var e = new OutreachEvent
        {
            Id = Guid.CreateVersion7(now), FacilityId = d.FacilityId!, Kind = d.Kind!.Value, Topic = d.Topic!.Trim(), StartsAt = d.StartsAt!.Value.ToUniversalTime(),
            Location = d.Location!.Trim(), Capacity = d.Capacity!.Value, Languages = languages.ToList(),
            Criteria = new OutreachCriteria
            {
                Languages = criteria.Languages!.Distinct(StringComparer.Ordinal).ToList(),
                AgeBands = criteria.AgeBands!.Distinct(StringComparer.Ordinal).ToList(),
                UnitIds = criteria.UnitIds!.Distinct(StringComparer.Ordinal).ToList(),
            },
            Status = OutreachEventStatus.Planned, CreatedAt = now, CreatedBy = createdBy, IdempotencyKey = idempotencyKey,
        };
        return (e, errors);
    }

    /// <summary>Whether a consenting respondent is someone this event recruits.</summary>
    public bool Matches(OutreachConsent consent) =>
        consent.FacilityId == FacilityId
        && (Criteria.Languages.Count > 0 ? Criteria.Languages : Languages).Contains(consent.Language)
        && (Criteria.AgeBands.Count == 0 || Criteria.AgeBands.Contains(consent.AgeBand))
        && (Criteria.UnitIds.Count == 0 || (consent.UnitId is { } unit && Criteria.UnitIds.Contains(unit)));

    /// <summary>Whether invitations may go out now: recruiting, seats left, not started.</summary>
    public bool IsInviting(DateTimeOffset now) => Status == OutreachEventStatus.Recruiting && SeatsLeft > 0 && now < StartsAt;

    /// <summary>Starts (or resumes, to reach respondents who consented since) recruitment: the recruiter is asked to invite.</summary>
    public OutreachChange StartRecruiting(DateTimeOffset now)
    {
        if (Status is OutreachEventStatus.Full) return OutreachChange.Refused("The event is full: every seat is taken, so nobody more is invited.");
        if (Status is not (OutreachEventStatus.Planned or OutreachEventStatus.Recruiting)) return OutreachChange.Refused($"The event is {Status.ToWire()}: it recruits no more.");
        if (StartsAt <= now) return OutreachChange.Refused("The event has started: it recruits no more.");
        var after = this with { Status = OutreachEventStatus.Recruiting, RecruitingSince = RecruitingSince ?? now };
        return new OutreachChange(after, [new OutreachRecruitmentRequested { EventId = Id, RequestedAt = now }], null);
    }

    public OutreachChange Cancel(DateTimeOffset now)
    {
        if (Status is OutreachEventStatus.Held or OutreachEventStatus.Cancelled) return OutreachChange.Refused($"The event is {Status.ToWire()} already.");
        return new OutreachChange(this with { Status = OutreachEventStatus.Cancelled, CancelledAt = now }, [], null);
    }

    /// <summary>
    /// An invitee's answer. A yes takes a seat only while one is left; the last seat makes the event full. Each invitation
    /// answers once. The caller writes the result under the version it read, so two answers for the last seat cannot both win.
    /// </summary>
    public (OutreachEvent? After, RsvpRefusal Refusal) Answer(OutreachInvitation invitation, bool attending, DateTimeOffset now)
    {
        if (Rsvps.Any(r => r.InvitationId == invitation.Id)) return (null, RsvpRefusal.AlreadyAnswered);
        if (Status is OutreachEventStatus.Cancelled) return (null, RsvpRefusal.Cancelled);
        if (Status is OutreachEventStatus.Held || StartsAt <= now) return (null, RsvpRefusal.Over);
        if (attending && SeatsLeft == 0) return (null, RsvpRefusal.Full);
        var rsvps = Rsvps.Append(new OutreachRsvp(invitation.Id, attending, now, invitation.ContactReference, invitation.Language)).ToList();
        var after = this with { Rsvps = rsvps };
        if (after.SeatsLeft == 0 && after.Status is OutreachEventStatus.Recruiting or OutreachEventStatus.Planned) after = after with { Status = OutreachEventStatus.Full };
        return (after, RsvpRefusal.None);
    }

    /// <summary>Records who came (invitees who said yes), how many others, and the themes heard (already encrypted): the event is held.</summary>
    public OutreachChange RecordOutcome(IReadOnlyList<Guid> attended, int otherAttendees, string? protectedThemes, string by, DateTimeOffset now, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var yes = Rsvps.Where(r => r.Attending).Select(r => r.InvitationId).ToHashSet();
        if (attended.Any(id => !yes.Contains(id)) || attended.Distinct().Count() != attended.Count)
            errors["attendedInvitationIds"] = ["Each once, and only invitations whose answer was yes."];
        if (otherAttendees is < 0 or > 10_000) errors["otherAttendees"] = ["Must be 0 to 10000."];
        if (errors.Count > 0) return OutreachChange.Refused("invalid");
        if (Status is OutreachEventStatus.Cancelled or OutreachEventStatus.Held) return OutreachChange.Refused($"The event is {Status.ToWire()}: its outcome cannot be recorded.");
        if (now < StartsAt) return OutreachChange.Refused("The event has not started yet: record who came once it has.");
        return new OutreachChange(this with { Status = OutreachEventStatus.Held, Outcome = new OutreachOutcome(attended.ToList(), otherAttendees, protectedThemes, now, by) }, [], null);
    }

    /// <summary>Replaces the improvement actions (the case service's ids) the event fed into.</summary>
    public OutreachChange LinkImprovementActions(IReadOnlyList<Guid> ids)
    {
        if (Status is OutreachEventStatus.Cancelled) return OutreachChange.Refused("The event is cancelled: it feeds no improvement action.");
        return new OutreachChange(this with { ImprovementActionIds = ids.Distinct().ToList() }, [], null);
    }

    /// <summary>The reminder to each invitee attending, once, when it falls due and the event still stands.</summary>
    public OutreachChange RemindAttendees(DateTimeOffset now)
    {
        if (ReminderSentAt is not null) return OutreachChange.Refused("sent-already");
        if (Status is not (OutreachEventStatus.Recruiting or OutreachEventStatus.Full)) return OutreachChange.Refused("not-standing");
        if (now < ReminderDueAt) return OutreachChange.Refused("not-due");
        if (now >= StartsAt) return OutreachChange.Refused("started");
        var messages = Rsvps.Where(r => r.Attending).Select(r => (object)new SendOutreachMessage
        {
            MessageId = Deterministic($"{Id:N}/reminder/{r.InvitationId:N}"), Kind = OutreachMessageKind.Reminder, OutreachEventId = Id,
            OutreachInvitationId = r.InvitationId, ContactReference = r.ContactReference, FacilityId = FacilityId, Language = r.Language,
            EventKind = Kind, Topic = Topic, StartsAt = StartsAt, Location = Location, RequestedAt = now,
        }).ToList();
        return new OutreachChange(this with { ReminderSentAt = now }, messages, null);
    }

    /// <summary>The invitation this event sends a respondent: one per event and respondent, whoever asks how often.</summary>
    public Guid InvitationIdFor(Guid contactReference) => Deterministic($"{Id:N}/invitation/{contactReference:N}");

    /// <summary>The scheduling token of the event's reminder timer: scheduling it again replaces it.</summary>
    public Guid ReminderTokenId => Deterministic($"{Id:N}/reminder-timer");

    internal static Guid Deterministic(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return new Guid(hash[..16]);
    }

    private static void Text(Dictionary<string, string[]> errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value)) errors[field] = ["Required."];
        else if (value.Length > max) errors[field] = [$"At most {max} characters."];
        else if (FreeText.Problem(value, multiLine: false) is { } problem) errors[field] = [problem];
    }

    private static bool IsId(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>Internal: recruitment for an event was started or resumed; the recruiter invites who matches. Ids only.</summary>
public sealed record OutreachRecruitmentRequested
{
    public required Guid EventId { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}

/// <summary>Internal: the day-before reminder timer of an event fired. Ids only.</summary>
public sealed record OutreachReminderDue
{
    public required Guid EventId { get; init; }
    public Guid TokenId { get; init; }
}
