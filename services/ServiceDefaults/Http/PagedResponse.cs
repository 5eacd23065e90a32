namespace PatientExperience.ServiceDefaults.Http;

/// <summary>
/// The page shape every list endpoint of the platform answers. OpenAPI names its schema after the item type
/// (<c>PagedResponseOfCaseView</c>), so the documents do not depend on where this type lives.
/// </summary>
public sealed record PagedResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>The checks every paged list makes of its <c>page</c> and <c>pageSize</c> query parameters.</summary>
public static class Paging
{
    /// <summary>
    /// How deep into a list paging reaches: page × pageSize at most this. A deep offset makes the store read and skip
    /// everything before it; a person does not page through ten thousand rows, and a program that wants everything
    /// narrows the list by its filters (a date range) instead.
    /// </summary>
    public const int MaxReach = 10_000;

    /// <summary>Adds an error per parameter out of range, worded as every list endpoint words it.</summary>
    public static void Validate(IDictionary<string, string[]> errors, int page, int pageSize, int maxPageNumber, int maxPageSize)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (page < 1 || page > maxPageNumber) errors["page"] = [$"Must be between 1 and {maxPageNumber}."];
        else if (pageSize >= 1 && (long)page * pageSize > MaxReach)
            errors["page"] = [$"page × pageSize must be at most {MaxReach}: narrow the list with its filters (a date range, a status) to reach older items."];
        if (pageSize < 1 || pageSize > maxPageSize) errors["pageSize"] = [$"Must be between 1 and {maxPageSize}."];
    }
}
