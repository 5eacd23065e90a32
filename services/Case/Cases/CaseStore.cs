using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging.Outbox;
using System.Text.Json;
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
        // The worklist's default: a facility's cases newest first, often in a creation range; without it every page sorted all
        // of the facility's cases.
        CompoundIndexes = [["facilityId", "openedAt"]],
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

    /// <summary>
    /// Saves a changed case with the events its change caused, if nobody changed it since <paramref name="expectedVersion"/>.
    /// When its timeline or notes have grown to <see cref="KeepInDocument"/> + <see cref="ChunkSize"/> entries, the oldest are
    /// then moved into the case's archive (see below); the version answered is the case's latest.
    /// </summary>
    /// <exception cref="ConcurrencyConflictException">The case changed since that version.</exception>
    public async Task<Stored<CaseFile>> SaveAsync(CaseFile changed, long expectedVersion, IReadOnlyList<object> events, DateTimeOffset now, CancellationToken ct)
    {
        var saved = await _cases.ReplaceAsync(changed.Id.ToString(), changed, expectedVersion, events.Select(e => OutboxMessages.Create(e, now)).ToList(), ct);
        return await ArchiveOldEntriesAsync(saved, ct);
    }

    // The archive. A case's document holds its most recent timeline entries and notes; older ones live in chunks of
    // ChunkSize in their own collection, so a case with ten thousand entries reads and writes like any other (a MongoDB
    // document is limited to 16 MB, and every action rewrites the whole document).
    //
    // No transaction spans the two collections, so the order of writes carries the guarantee. Entries are only ever
    // appended, and a chunk is cut only from a version of the case already saved, so chunk k (entries k*ChunkSize ..
    // (k+1)*ChunkSize-1) has the same content whoever cuts it, and its id is fixed by (case, kind, k). The chunk is written
    // first, then the case without those entries. If that second write fails (a concurrent change, a crash), the case still
    // holds the entries, the next save cuts the same chunk again (found already there), and readers, who take archived
    // entries only below the case's own count, never see an entry twice or miss one.

    /// <summary>Entries kept in the case's document after archiving.</summary>
    public const int KeepInDocument = 100;

    /// <summary>Entries per archive chunk; a list is archived once it holds KeepInDocument + ChunkSize entries.</summary>
    public const int ChunkSize = 100;

    /// <summary>The most entries one timeline or notes read returns.</summary>
    public const int MaxReadSize = 500;

    public static readonly CollectionDefinition ArchiveDefinition = new("case_archive") { IndexedFields = ["caseId"] };

    private readonly IDocumentCollection<CaseArchiveChunk> _archive = store.Collection<CaseArchiveChunk>(ArchiveDefinition);

    private async Task<Stored<CaseFile>> ArchiveOldEntriesAsync(Stored<CaseFile> saved, CancellationToken ct)
    {
        var c = saved.Document;
        if (c.History.Count < KeepInDocument + ChunkSize && c.Notes.Count < KeepInDocument + ChunkSize) return saved;

        // A copy, so the caller's case is not changed if the second write loses to a concurrent one.
        var trimmed = JsonSerializer.Deserialize<CaseFile>(JsonSerializer.Serialize(c, StoreJson.Options), StoreJson.Options)!;
        while (trimmed.History.Count >= KeepInDocument + ChunkSize)
        {
            var index = trimmed.ArchivedHistoryCount / ChunkSize;
            await WriteChunkAsync(new CaseArchiveChunk(c.Id, CaseArchiveChunk.TimelineKind, index) { History = trimmed.History.Take(ChunkSize).ToList() }, ct);
            trimmed.History.RemoveRange(0, ChunkSize);
            trimmed.ArchivedHistoryCount += ChunkSize;
        }

        while (trimmed.Notes.Count >= KeepInDocument + ChunkSize)
        {
            var index = trimmed.ArchivedNoteCount / ChunkSize;
            await WriteChunkAsync(new CaseArchiveChunk(c.Id, CaseArchiveChunk.NotesKind, index) { Notes = trimmed.Notes.Take(ChunkSize).ToList() }, ct);
            trimmed.Notes.RemoveRange(0, ChunkSize);
            trimmed.ArchivedNoteCount += ChunkSize;
        }

        try
        {
            return await _cases.ReplaceAsync(saved.Id, trimmed, saved.Version, [], ct);
        }
        catch (ConcurrencyConflictException)
        {
            // Changed meanwhile: that change's save archives these entries (the chunks are already written).
            return saved;
        }
    }

    private async Task WriteChunkAsync(CaseArchiveChunk chunk, CancellationToken ct)
    {
        try
        {
            await _archive.InsertAsync(chunk.DocumentId, chunk, [], ct);
        }
        catch (DuplicateDocumentException)
        {
            // Cut from a saved version by an earlier save whose second write did not happen: the same entries (see above).
        }
    }

    /// <summary>Timeline entries <paramref name="from"/> .. from+count-1 of the whole timeline (archived and in the document), oldest first.</summary>
    public Task<IReadOnlyList<CaseHistoryEntry>> TimelineAsync(CaseFile c, int from, int count, CancellationToken ct) =>
        ReadAsync(c, CaseArchiveChunk.TimelineKind, c.ArchivedHistoryCount, c.History, chunk => chunk.History, from, count, ct);

    /// <summary>Notes <paramref name="from"/> .. from+count-1 of all the case's notes, oldest first.</summary>
    public Task<IReadOnlyList<CaseNote>> NotesAsync(CaseFile c, int from, int count, CancellationToken ct) =>
        ReadAsync(c, CaseArchiveChunk.NotesKind, c.ArchivedNoteCount, c.Notes, chunk => chunk.Notes, from, count, ct);

    private async Task<IReadOnlyList<T>> ReadAsync<T>(
        CaseFile c, string kind, int archived, List<T> inDocument, Func<CaseArchiveChunk, List<T>> entriesOf, int from, int count, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var end = Math.Min(from + count, archived + inDocument.Count);
        var result = new List<T>();
        for (var position = from; position < Math.Min(end, archived); position = (position / ChunkSize + 1) * ChunkSize)
        {
            var index = position / ChunkSize;
            var chunk = await _archive.GetAsync(CaseArchiveChunk.IdFor(c.Id, kind, index), ct)
                ?? throw new InvalidOperationException($"Archive chunk {index} ({kind}) of case {c.Id} is missing.");
            var entries = entriesOf(chunk.Document);
            var first = position - (index * ChunkSize);
            var last = Math.Min(entries.Count, Math.Min(end, archived) - (index * ChunkSize));
            result.AddRange(entries.Skip(first).Take(last - first));
        }

        if (end > archived) result.AddRange(inDocument.Skip(Math.Max(from - archived, 0)).Take(end - Math.Max(from, archived)));
        return result;
    }
}

/// <summary>Up to <see cref="CaseStore.ChunkSize"/> of a case's oldest timeline entries or notes, moved out of its document.</summary>
public sealed record CaseArchiveChunk(Guid CaseId, string Kind, int Index)
{
    public const string TimelineKind = "timeline";
    public const string NotesKind = "notes";

    public List<CaseHistoryEntry> History { get; init; } = [];
    public List<CaseNote> Notes { get; init; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public string DocumentId => IdFor(CaseId, Kind, Index);

    public static string IdFor(Guid caseId, string kind, int index) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{caseId}:{kind}:{index:D6}");
}

/// <summary>How many open cases a facility has at one escalation level and severity (wire strings).</summary>
public sealed record OpenCaseCount(string FacilityId, string Level, string Severity, long Count);
