using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Storage;

namespace PatientExperience.Case.Advocacy;

/// <summary>Reads of the cases collection that advocacy needs: open cases per advocate, and a returning patient's earlier cases.</summary>
public sealed class CaseloadStore([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store)
{
    private readonly IDocumentCollection<CaseFile> _cases = store.Collection<CaseFile>(CaseStore.Definition);

    private static readonly object[] OpenStatuses = CaseFile.OpenStatuses.Select(s => (object)s.ToWire()).ToArray();

    /// <summary>The open cases assigned to each of <paramref name="advocateIds"/>, in every facility (capacity counts them all).</summary>
    public async Task<IReadOnlyDictionary<string, int>> OpenCasesAsync(IReadOnlyCollection<string> advocateIds, CancellationToken ct)
    {
        var counts = advocateIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        if (counts.Count == 0) return counts;
        foreach (var c in await OpenCasesOfAsync(counts.Keys, ct))
            if (c.Document.AssigneeId is { } a) counts[a]++;
        return counts;
    }

    /// <summary>Every open case assigned to one of <paramref name="advocateIds"/>, oldest first.</summary>
    public async Task<IReadOnlyList<Stored<CaseFile>>> OpenCasesOfAsync(IEnumerable<string> advocateIds, CancellationToken ct)
    {
        var ids = advocateIds.Cast<object>().ToArray();
        if (ids.Length == 0) return [];
        return await _cases.ReadAllAsync(new DocumentQuery
        {
            Filters = [FieldFilter.In("assigneeId", ids), FieldFilter.In("status", OpenStatuses)], SortBy = "openedAt",
        }, ct);
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
