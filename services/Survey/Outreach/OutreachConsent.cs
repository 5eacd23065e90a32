using PatientExperience.Storage;

namespace PatientExperience.Survey.Outreach;

/// <summary>
/// A respondent agreed to be approached for focus groups and outreach: where (facility), in which language, their age band,
/// and how to reach them without holding their details here (<see cref="ContactReference"/>: intake's discharge id, which
/// intake resolves to a contact, audited). One per response.
/// </summary>
public sealed record OutreachConsent
{
    public required Guid ResponseId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required string Language { get; init; }
    public required string AgeBand { get; init; }
    /// <summary>Intake's discharge id: the key to ask intake for the patient's contact.</summary>
    public required Guid ContactReference { get; init; }
    public required string SurveyId { get; init; }
    public required DateTimeOffset ConsentedAt { get; init; }
}

/// <summary>The outreach consents port (id: the response id).</summary>
public sealed class OutreachStore([FromKeyedServices(SurveyModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("outreach_consents") { IndexedFields = ["facilityId", "consentedAt", "language"] };

    private readonly IDocumentCollection<OutreachConsent> _consents = store.Collection<OutreachConsent>(Definition);

    /// <summary>Records a consent once: a second call for the same response changes nothing.</summary>
    public async Task AddOnceAsync(OutreachConsent consent, CancellationToken ct)
    {
        try
        {
            await _consents.InsertAsync(consent.ResponseId.ToString("D"), consent, [], ct);
        }
        catch (DuplicateDocumentException)
        {
            // Recorded already (the event was redelivered).
        }
    }

    public Task<Page<Stored<OutreachConsent>>> ListAsync(string facilityId, string? language, int page, int pageSize, CancellationToken ct)
    {
        var filters = new List<FieldFilter> { FieldFilter.Eq("facilityId", facilityId) };
        if (language is not null) filters.Add(FieldFilter.Eq("language", language));
        return _consents.QueryAsync(new DocumentQuery { Filters = filters, SortBy = "consentedAt", Descending = true, PageNumber = page, PageSize = pageSize }, ct);
    }
}
