namespace PatientExperience.Storage;

public static class CollectionReading
{
    /// <summary>
    /// Every document the query's filters match, in its sort order, read a page of <see cref="DocumentQuery.MaxPageSize"/>
    /// at a time (the query's own paging is ignored). For lists that are whole by nature and small (a directory, a library,
    /// an advocate's open cases), never for lists that grow with the platform's traffic: those are paged to their callers.
    /// </summary>
    public static async Task<IReadOnlyList<Stored<T>>> ReadAllAsync<T>(this IDocumentCollection<T> collection, DocumentQuery query, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(query);
        var all = new List<Stored<T>>();
        for (var page = 1; ; page++)
        {
            var result = await collection.QueryAsync(query with { PageNumber = page, PageSize = DocumentQuery.MaxPageSize }, cancellationToken).ConfigureAwait(false);
            all.AddRange(result.Items);
            if (result.Items.Count < DocumentQuery.MaxPageSize) return all;
        }
    }
}
