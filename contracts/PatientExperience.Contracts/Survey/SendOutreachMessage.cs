using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Contracts.Survey;

/// <summary>
/// Asks the notification service to invite a consenting survey respondent to a focus group or community event (with the RSVP
/// link), or to remind one who said they will attend, the day before. Sent twice with the same <see cref="MessageId"/>, it
/// delivers once. The notification service reads the respondent's contact from intake over gRPC by
/// <see cref="ContactReference"/> (the discharge their survey was about) and renders the message in <see cref="Language"/>.
/// <para>
/// No patient detail travels here. <see cref="Link"/> (invitations only) holds the single-use RSVP token, a bearer secret:
/// never logged, traced or stored in clear beyond the delivery itself.
/// </para>
/// </summary>
public sealed record SendOutreachMessage
{
    /// <summary>Chosen by the survey service, one per invitation or reminder: the idempotency key of the request.</summary>
    public required Guid MessageId { get; init; }
    public required OutreachMessageKind Kind { get; init; }
    public required Guid OutreachEventId { get; init; }
    public required Guid OutreachInvitationId { get; init; }
    /// <summary>Intake's discharge id of the respondent's survey: the key to their contact.</summary>
    public required Guid ContactReference { get; init; }
    public required string FacilityId { get; init; }
    /// <summary>en or es (the respondent's survey language).</summary>
    public required string Language { get; init; }
    public required OutreachEventKind EventKind { get; init; }
    /// <summary>What the event is about, as staff named it (no patient detail).</summary>
    public required string Topic { get; init; }
    public required DateTimeOffset StartsAt { get; init; }
    public required string Location { get; init; }
    /// <summary><c>{Survey:PublicBaseUrl}/outreach/rsvp/{token}</c> for an invitation; null for a reminder.</summary>
    public string? Link { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}
