using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Storage;

namespace PatientExperience.Survey.Outreach.Events;

/// <summary>
/// One respondent invited to one event: who (the consent's response and contact reference, ids only), in which language,
/// and the SHA-256 hash of the RSVP token (the clear token exists only in the invitation sent). Answers live on the event,
/// where the seats are counted.
/// </summary>
public sealed record OutreachInvitation
{
    public required Guid Id { get; init; }
    public required Guid EventId { get; init; }
    public required string FacilityId { get; init; }
    public required Guid ResponseId { get; init; }
    public required Guid ContactReference { get; init; }
    public required string Language { get; init; }
    public required string TokenHash { get; init; }
    public required DateTimeOffset InvitedAt { get; init; }
}

/// <summary>The outreach events port: events (id: the event id), their invitations (id: the invitation id, unique token hash).</summary>
public sealed class OutreachEventStore([FromKeyedServices(SurveyModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("outreach_events")
    {
        IndexedFields = ["facilityId", "status", "startsAt"],
        UniqueFields = ["idempotencyKey"],
    };

    public static readonly CollectionDefinition InvitationDefinition = new("outreach_invitations")
    {
        IndexedFields = ["eventId", "invitedAt"],
        UniqueFields = ["tokenHash"],
    };

    private readonly IDocumentCollection<OutreachEvent> _events = store.Collection<OutreachEvent>(Definition);
    private readonly IDocumentCollection<OutreachInvitation> _invitations = store.Collection<OutreachInvitation>(InvitationDefinition);

    public Task<Stored<OutreachEvent>?> GetAsync(Guid id, CancellationToken ct) => _events.GetAsync(id.ToString("D"), ct);

    public Task<Stored<OutreachEvent>?> FindByIdempotencyKeyAsync(string key, CancellationToken ct) => _events.FindOneAsync("idempotencyKey", key, ct);

    /// <exception cref="DuplicateDocumentException">The idempotency key is taken.</exception>
    public Task<Stored<OutreachEvent>> InsertAsync(OutreachEvent e, CancellationToken ct) => _events.InsertAsync(e.Id.ToString("D"), e, [], ct);

    /// <summary>Replaces the event with the messages its change causes, atomically.</summary>
    /// <exception cref="ConcurrencyConflictException">It changed since it was read.</exception>
    public Task<Stored<OutreachEvent>> ReplaceAsync(OutreachEvent e, long expectedVersion, IReadOnlyList<OutboxMessage> outbox, CancellationToken ct) =>
        _events.ReplaceAsync(e.Id.ToString("D"), e, expectedVersion, outbox, ct);

    public Task<Page<Stored<OutreachEvent>>> ListAsync(IReadOnlyList<string>? facilities, OutreachEventStatus? status, int page, int pageSize, CancellationToken ct)
    {
        var filters = new List<FieldFilter>();
        if (facilities is not null) filters.Add(FieldFilter.In("facilityId", facilities));
        if (status is { } s) filters.Add(FieldFilter.Eq("status", s.ToWire()));
        return _events.QueryAsync(new DocumentQuery { Filters = filters, SortBy = "startsAt", PageNumber = page, PageSize = pageSize }, ct);
    }

    public Task<Stored<OutreachInvitation>?> GetInvitationAsync(Guid id, CancellationToken ct) => _invitations.GetAsync(id.ToString("D"), ct);

    public Task<Stored<OutreachInvitation>?> FindInvitationByTokenHashAsync(string tokenHash, CancellationToken ct) => _invitations.FindOneAsync("tokenHash", tokenHash, ct);

    /// <summary>Records an invitation and the message that sends it, atomically.</summary>
    /// <exception cref="DuplicateDocumentException">The respondent was invited to this event already.</exception>
    public Task<Stored<OutreachInvitation>> InsertInvitationAsync(OutreachInvitation invitation, OutboxMessage send, CancellationToken ct) =>
        _invitations.InsertAsync(invitation.Id.ToString("D"), invitation, [send], ct);

    public async Task<long> InvitedCountAsync(Guid eventId, CancellationToken ct) =>
        (await _invitations.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq("eventId", eventId.ToString("D"))], PageSize = 1 }, ct)).Total;
}
