using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Storage;

namespace PatientExperience.Case.Advocacy;

/// <summary>Reads of the cases collection that advocacy needs: open cases per advocate, and a returning patient's earlier cases.</summary>
public sealed class CaseloadStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    private readonly IDocumentCollection<CaseFile> _cases = store.Collection<CaseFile>(CaseStore.Definition);

    private static readonly object[] OpenStatuses = CaseFile.OpenStatuses.Select(s => (object)s.ToWire()).ToArray();

    /// <summary>
    /// How many open cases are assigned to each of <paramref name="advocateIds"/>, in every facility (capacity counts them
    /// all): one grouped count, no case read.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> OpenCasesAsync(IReadOnlyCollection<string> advocateIds, CancellationToken ct)
    {
        var counts = advocateIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        if (counts.Count == 0) return counts;
        foreach (var group in await _cases.CountByAsync(OpenCasesOf(counts.Keys), ["assigneeId"], ct))
            if (group.Keys[0] is { } a && counts.ContainsKey(a)) counts[a] = (int)group.Count;
        return counts;
    }

    /// <summary>The ids of the open cases assigned to <paramref name="advocateId"/>, in every facility, read from the index.</summary>
    public async Task<IReadOnlyCollection<Guid>> OpenCaseIdsOfAsync(string advocateId, CancellationToken ct) =>
        [.. (await _cases.ListIdsAsync(OpenCasesOf([advocateId]), ct)).Select(Guid.Parse)];

    private static DocumentQuery OpenCasesOf(IEnumerable<string> advocateIds) => new()
    {
        Filters = [FieldFilter.In("assigneeId", advocateIds.Cast<object>()), FieldFilter.In("status", OpenStatuses)], SortBy = "openedAt",
    };

    /// <summary>Every open case assigned to one of <paramref name="advocateIds"/>, oldest first (whole documents: for listing them).</summary>
    public async Task<IReadOnlyList<Stored<CaseFile>>> OpenCasesOfAsync(IEnumerable<string> advocateIds, CancellationToken ct)
    {
        var ids = advocateIds.ToList();
        if (ids.Count == 0) return [];
        return await _cases.ReadAllAsync(OpenCasesOf(ids), ct);
    }

    /// <summary>The advocate of the patient's most recent other case at the facility, if any had one.</summary>
    public async Task<string?> PreviousAdvocateAsync(string facilityId, string? patientReference, Guid excludingCaseId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(patientReference)) return null;
        var result = await _cases.QueryAsync(new DocumentQuery
        {
            Filters = [FieldFilter.Eq("patientReference", patientReference), FieldFilter.Eq("facilityId", facilityId)],
            SortBy = "openedAt", Descending = true, PageSize = 20,
        }, ct);
        return result.Items.Select(i => i.Document).FirstOrDefault(c => c.Id != excludingCaseId && c.AssigneeId is not null)?.AssigneeId;
    }
}
