using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;

namespace PatientExperience.Case.Cases;

public sealed record CaseFilter(IReadOnlyList<string>? Facilities, CaseStatus? Status, DateTimeOffset? OpenedFrom, DateTimeOffset? OpenedTo)
{
    public Severity? Severity { get; init; }
    public EscalationLevel? Level { get; init; }
    public string? AssigneeId { get; init; }
    public string? DepartmentId { get; init; }
    /// <summary>feedback or survey (service recovery).</summary>
    public CaseSource? Source { get; init; }
    /// <summary>Only cases whose next deadline is before this instant (the "overdue" worklist).</summary>
    public DateTimeOffset? DeadlineBefore { get; init; }
    /// <summary>openedAt (newest first, the default) or nextDeadline (soonest first).</summary>
    public string Sort { get; init; } = "openedAt";
}

/// <summary>The cases port. A case and the events it raises are one atomic write; one case per submission is a unique key.</summary>
public sealed class CaseStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("cases")
    {
        UniqueFields = ["submissionId", "caseNumber", "surveyResponseId"],
        IndexedFields = ["facilityId", "status", "openedAt", "severity", "escalationLevel", "assigneeId", "owningDepartmentId", "nextDeadline", "source", "patientReference"],
    };

    private readonly IDocumentCollection<CaseFile> _cases = store.Collection<CaseFile>(Definition);

    public Task<Stored<CaseFile>?> GetAsync(Guid id, CancellationToken ct) => _cases.GetAsync(id.ToString(), ct);

    public Task<Stored<CaseFile>?> FindBySubmissionAsync(Guid submissionId, CancellationToken ct) => _cases.FindOneAsync("submissionId", submissionId.ToString(), ct);

    public Task<Stored<CaseFile>?> FindBySurveyResponseAsync(Guid responseId, CancellationToken ct) => _cases.FindOneAsync("surveyResponseId", responseId.ToString(), ct);

    /// <summary>
    /// Stores a newly opened case with its CaseOpened event. Returns null when the submission already has a case (a duplicate
    /// or redelivered event); otherwise the case stored, opened again by <paramref name="open"/> if its number collided.
    /// </summary>
    public async Task<CaseFile?> TryOpenAsync(Guid submissionId, Func<CaseFile> open, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var opened = open();
            try
            {
                await _cases.InsertAsync(opened.Id.ToString(), opened, [OutboxMessages.Create(opened.ToOpenedEvent(), opened.OpenedAt)], ct);
                return opened;
            }
            catch (DuplicateDocumentException) when (attempt < 3)
            {
                if (await FindBySubmissionAsync(submissionId, ct) is not null) return null;
                // Otherwise the case number collided: open again with a new id.
            }
        }
    }

    private static readonly CaseStatus[] OpenStatuses = [.. Enum.GetValues<CaseStatus>().Where(s => s is not (CaseStatus.Resolved or CaseStatus.Closed))];

    /// <summary>The cases not resolved or closed, counted per facility, escalation level and severity (one grouped query).</summary>
    public async Task<IReadOnlyList<OpenCaseCount>> CountOpenAsync(CancellationToken ct)
    {
        var groups = await _cases.CountByAsync(new DocumentQuery { Filters = [FieldFilter.In("status", OpenStatuses.Cast<object>())] },
            ["facilityId", "escalationLevel", "severity"], ct);
        return [.. groups.Select(g => new OpenCaseCount(g.Keys[0] ?? "", g.Keys[1] ?? EscalationLevel.Unit.ToWire(), g.Keys[2] ?? Severity.Medium.ToWire(), g.Count))];
    }

    public Task<Page<Stored<CaseFile>>> ListAsync(CaseFilter filter, int page, int pageSize, CancellationToken ct)
    {
        var filters = new List<FieldFilter>();
        if (filter.Facilities is { } facilities) filters.Add(FieldFilter.In("facilityId", facilities));
        if (filter.Status is { } status) filters.Add(FieldFilter.Eq("status", status.ToWire()));
        if (filter.OpenedFrom is { } from) filters.Add(FieldFilter.Gte("openedAt", from));
        if (filter.OpenedTo is { } to) filters.Add(FieldFilter.Lt("openedAt", to));
        if (filter.Severity is { } severity) filters.Add(FieldFilter.Eq("severity", severity.ToWire()));
        if (filter.Level is { } level) filters.Add(FieldFilter.Eq("escalationLevel", level.ToWire()));
        if (filter.AssigneeId is { } assignee) filters.Add(FieldFilter.Eq("assigneeId", assignee));
        if (filter.DepartmentId is { } department) filters.Add(FieldFilter.Eq("owningDepartmentId", department));
        // Cases stored before the field existed have no source and are feedback.
        if (filter.Source is { } source)
            filters.Add(source == CaseSource.Feedback ? FieldFilter.MissingOrEq("source", source.ToWire()) : FieldFilter.Eq("source", source.ToWire()));
        if (filter.DeadlineBefore is { } before)
        {
            filters.Add(FieldFilter.Lt("nextDeadline", before));
            filters.Add(FieldFilter.In("status", CaseFile.OpenStatuses.Select(s => s.ToWire())));
        }

        var byDeadline = filter.Sort == "nextDeadline";
        return _cases.QueryAsync(new DocumentQuery
        {
            Filters = filters, SortBy = byDeadline ? "nextDeadline" : "openedAt", Descending = !byDeadline, PageNumber = page, PageSize = pageSize,
        }, ct);
    }

    /// <summary>Saves a changed case with the events its change caused, if nobody changed it since <paramref name="expectedVersion"/>.</summary>
    /// <exception cref="ConcurrencyConflictException">The case changed since that version.</exception>
    public Task<Stored<CaseFile>> SaveAsync(CaseFile changed, long expectedVersion, IReadOnlyList<object> events, DateTimeOffset now, CancellationToken ct) =>
        _cases.ReplaceAsync(changed.Id.ToString(), changed, expectedVersion, events.Select(e => OutboxMessages.Create(e, now)).ToList(), ct);
}

/// <summary>How many open cases a facility has at one escalation level and severity (wire strings).</summary>
public sealed record OpenCaseCount(string FacilityId, string Level, string Severity, long Count);
