using PatientExperience.Storage;

namespace PatientExperience.Survey.Invitations;

/// <summary>The invitations port: one document per discharge (id: the discharge id), its outbox messages written with it.</summary>
public sealed class InvitationStore([FromKeyedServices(SurveyModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("invitations")
    {
        IndexedFields = ["id", "patientReference", "facilityId", "status", "issuedAt", "dischargedAt", "response.id"],
        UniqueFields = ["tokenHash"],
    };

    private readonly IDocumentCollection<SurveyInvitation> _invitations = store.Collection<SurveyInvitation>(Definition);

    public static string KeyOf(Guid dischargeId) => dischargeId.ToString("D");

    public Task<Stored<SurveyInvitation>?> GetByDischargeAsync(Guid dischargeId, CancellationToken ct) => _invitations.GetAsync(KeyOf(dischargeId), ct);

    public Task<Stored<SurveyInvitation>?> FindByTokenHashAsync(string tokenHash, CancellationToken ct) => _invitations.FindOneAsync("tokenHash", tokenHash, ct);

    public Task<Stored<SurveyInvitation>?> FindByResponseAsync(Guid responseId, CancellationToken ct) => _invitations.FindOneAsync("response.id", responseId.ToString("D"), ct);

    /// <summary>The discharge time of the patient's latest invited (not ineligible) discharge other than this one.</summary>
    public async Task<DateTimeOffset?> LastInvitedDischargeAsync(string patientReference, Guid exceptDischargeId, CancellationToken ct)
    {
        var page = await _invitations.QueryAsync(new DocumentQuery
        {
            Filters = [FieldFilter.Eq("patientReference", patientReference), FieldFilter.In("status", ["scheduled", "invited", "responded"])],
            SortBy = "dischargedAt",
            Descending = true,
            PageSize = 10,
        }, ct);
        return page.Items.Select(i => i.Document).FirstOrDefault(i => i.DischargeId != exceptDischargeId)?.DischargedAt;
    }

    /// <exception cref="DuplicateDocumentException">The discharge has an invitation already.</exception>
    public Task<Stored<SurveyInvitation>> InsertAsync(SurveyInvitation invitation, CancellationToken ct) =>
        _invitations.InsertAsync(KeyOf(invitation.DischargeId), invitation, [], ct);

    /// <summary>Replaces the invitation with the messages its change causes, atomically.</summary>
    /// <exception cref="ConcurrencyConflictException">It changed since it was read.</exception>
    public Task<Stored<SurveyInvitation>> ReplaceAsync(SurveyInvitation invitation, long expectedVersion, IReadOnlyList<OutboxMessage> outbox, CancellationToken ct) =>
        _invitations.ReplaceAsync(KeyOf(invitation.DischargeId), invitation, expectedVersion, outbox, ct);

    public Task<Page<Stored<SurveyInvitation>>> QueryAsync(DocumentQuery query, CancellationToken ct) => _invitations.QueryAsync(query, ct);

    /// <summary>Every invitation of a facility issued in [from, to), page by page.</summary>
    public async IAsyncEnumerable<SurveyInvitation> IssuedAsync(string facilityId, DateTimeOffset from, DateTimeOffset to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        for (var page = 1; ; page++)
        {
            var result = await _invitations.QueryAsync(new DocumentQuery
            {
                Filters = [FieldFilter.Eq("facilityId", facilityId), FieldFilter.Gte("issuedAt", from), FieldFilter.Lt("issuedAt", to)],
                SortBy = "issuedAt",
                PageNumber = page,
                PageSize = DocumentQuery.MaxPageSize,
            }, ct);
            foreach (var item in result.Items) yield return item.Document;
            if (result.Items.Count < DocumentQuery.MaxPageSize) yield break;
        }
    }
}
