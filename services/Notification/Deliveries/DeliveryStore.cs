using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Notification.Channels;
using PatientExperience.Storage;

namespace PatientExperience.Notification.Deliveries;

/// <summary>
/// The deliveries port. A delivery and what it causes (its first <see cref="DeliveryDue"/>, or NotificationDelivered /
/// NotificationFailed) are one atomic write, published by the outbox relay.
/// </summary>
public sealed class DeliveryStore([FromKeyedServices(NotificationModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("deliveries")
    {
        UniqueFields = ["key"],
        IndexedFields = ["caseId", "facilityId", "recipientId", "channel", "status", "unread", "createdAt", "sourceKey"],
        // The delivery list: a facility's deliveries newest first, often in a creation range. With the facility's index alone
        // SQLite sorted every delivery of the facility for each page (370 ms a page at 31,000 deliveries; 3 ms with this).
        CompoundIndexes = [["facilityId", "createdAt"]],
    };

    private readonly IDocumentCollection<Delivery> _deliveries = store.Collection<Delivery>(Definition);

    /// <summary>
    /// Stores a new delivery: an inbox one as delivered at once (with NotificationDelivered), any other with its first attempt.
    /// False when the same (source, recipient, channel) exists already: a duplicate of its cause.
    /// </summary>
    public async Task<bool> CreateAsync(Delivery delivery, DateTimeOffset now, CancellationToken ct)
    {
        OutboxMessage first;
        if (delivery.Channel == Channel.Inbox)
        {
            delivery = delivery with
            {
                Status = DeliveryStatus.Delivered, Attempts = 1, FirstAttemptAt = now, DeliveredAt = now, Transport = "inbox", Unread = true,
            };
            delivery = delivery.WithAttempt(now, DeliveryStatus.Delivered, null);
            first = OutboxMessages.Create(delivery.ToDelivered(), now);
        }
        else
        {
            first = OutboxMessages.Create(DeliveryDue.For(delivery.Id, 1, "first"), now);
        }

        try
        {
            await _deliveries.InsertAsync(delivery.Id.ToString(), delivery, [first], ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            if (await _deliveries.FindOneAsync("key", delivery.Key, ct) is not null) return false;
            throw;
        }
    }

    public Task<Stored<Delivery>?> GetAsync(Guid id, CancellationToken ct) => _deliveries.GetAsync(id.ToString(), ct);

    public Task<Stored<Delivery>?> FindByKeyAsync(string key, CancellationToken ct) => _deliveries.FindOneAsync("key", key, ct);

    /// <exception cref="ConcurrencyConflictException">Changed since it was read.</exception>
    public Task<Stored<Delivery>> SaveAsync(Stored<Delivery> read, Delivery changed, IReadOnlyList<object> events, DateTimeOffset now, CancellationToken ct) =>
        _deliveries.ReplaceAsync(read.Id, changed, read.Version, events.Select(e => OutboxMessages.Create(e, now)).ToList(), ct);

    public Task<Page<Stored<Delivery>>> ListAsync(IReadOnlyList<FieldFilter> filters, int page, int pageSize, CancellationToken ct) =>
        _deliveries.QueryAsync(new DocumentQuery { Filters = filters, SortBy = "createdAt", Descending = true, PageNumber = page, PageSize = pageSize }, ct);

    public Task<Page<Stored<Delivery>>> InboxAsync(InboxOwner owner, bool unreadOnly, int page, int pageSize, CancellationToken ct) =>
        owner.Facilities is { Count: 0 }
            ? Task.FromResult(new Page<Stored<Delivery>>([], page, pageSize, 0))
            : ListAsync(InboxFilters(owner, unreadOnly), page, pageSize, ct);

    public async Task<long> UnreadCountAsync(InboxOwner owner, CancellationToken ct) =>
        (await InboxAsync(owner, unreadOnly: true, 1, 1, ct)).Total;

    /// <summary>Marks an inbox entry of the person read. False if it is not theirs, not in their facilities, or not an inbox entry.</summary>
    public async Task<bool> MarkReadAsync(Guid id, InboxOwner owner, DateTimeOffset now, CancellationToken ct)
    {
        while (true)
        {
            var stored = await GetAsync(id, ct);
            if (stored is null || stored.Document.Channel != Channel.Inbox || stored.Document.RecipientId != owner.PersonId || !owner.Sees(stored.Document.FacilityId)) return false;
            if (!stored.Document.Unread) return true;
            try
            {
                await _deliveries.ReplaceAsync(stored.Id, stored.Document with { Unread = false, ReadAt = now }, stored.Version, [], ct);
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                // Read twice at once: look again.
            }
        }
    }

    private static List<FieldFilter> InboxFilters(InboxOwner owner, bool unreadOnly)
    {
        var filters = new List<FieldFilter> { FieldFilter.Eq("recipientId", owner.PersonId), FieldFilter.Eq("channel", Channel.Inbox) };
        if (owner.Facilities is { } facilities) filters.Add(FieldFilter.In("facilityId", facilities));
        if (unreadOnly) filters.Add(FieldFilter.Eq("unread", true));
        return filters;
    }
}

/// <summary>
/// Whose inbox, and which of its entries they may see now: those of the facilities their token names (all when it names
/// <c>*</c>). Someone who moved to another facility no longer sees, or marks, the first facility's entries.
/// </summary>
public sealed record InboxOwner(string PersonId, IReadOnlyCollection<string>? Facilities)
{
    public static InboxOwner Of(System.Security.Claims.ClaimsPrincipal user, string personId) =>
        new(personId, user.HasAllFacilities() ? null : user.Facilities().Distinct(StringComparer.Ordinal).ToList());

    public bool Sees(string facilityId) => Facilities is null || Facilities.Contains(facilityId, StringComparer.Ordinal);
}
