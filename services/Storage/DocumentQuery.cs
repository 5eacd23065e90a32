namespace PatientExperience.Storage;

public enum FilterOperator
{
    Equal,
    In,
    GreaterThanOrEqual,
    LessThan,
    /// <summary>The field is absent (or null) or equals the value: a default for documents stored before the field existed.</summary>
    MissingOrEqual,
}

/// <summary>A condition on one indexed field. Values are compared as they serialise to JSON (ISO 8601 UTC for instants).</summary>
public sealed record FieldFilter(string Field, FilterOperator Operator, object Value)
{
    public static FieldFilter Eq(string field, object value) => new(field, FilterOperator.Equal, value);
    public static FieldFilter In(string field, IEnumerable<object> values) => new(field, FilterOperator.In, values.ToArray());
    public static FieldFilter Gte(string field, object value) => new(field, FilterOperator.GreaterThanOrEqual, value);
    public static FieldFilter Lt(string field, object value) => new(field, FilterOperator.LessThan, value);
    public static FieldFilter MissingOrEq(string field, object value) => new(field, FilterOperator.MissingOrEqual, value);
}

/// <summary>Filters (all must hold), a sort field and a 1-based page.</summary>
public sealed record DocumentQuery
{
    public IReadOnlyList<FieldFilter> Filters { get; init; } = [];
    public string? SortBy { get; init; }
    public bool Descending { get; init; }
    public int PageNumber { get; init; } = 1;
    public int PageSize { get; init; } = 50;

    /// <summary>The highest page number a query may ask for; with <see cref="MaxPageSize"/> it keeps the offset within an int.</summary>
    public const int MaxPageNumber = 1_000_000;

    public const int MaxPageSize = 1000;

    internal int Skip => (PageNumber - 1) * PageSize;

    internal void ValidateGrouping(CollectionDefinition definition, IReadOnlyList<string> groupBy)
    {
        Validate(definition);
        if (groupBy.Count == 0) throw new ArgumentException("Group by at least one field.", nameof(groupBy));
        var known = definition.AllFields.ToHashSet(StringComparer.Ordinal);
        foreach (var f in groupBy)
        {
            if (!known.Contains(f)) throw new ArgumentException($"Field '{f}' is not indexed in '{definition.Name}'.");
        }
    }

    internal void Validate(CollectionDefinition definition)
    {
        var known = definition.AllFields.ToHashSet(StringComparer.Ordinal);
        foreach (var f in Filters.Select(f => f.Field).Append(SortBy).OfType<string>())
        {
            if (!known.Contains(f)) throw new ArgumentException($"Field '{f}' is not indexed in '{definition.Name}'.");
        }

        if (PageSize is < 1 or > MaxPageSize) throw new ArgumentOutOfRangeException(nameof(PageSize));
        if (PageNumber is < 1 or > MaxPageNumber) throw new ArgumentOutOfRangeException(nameof(PageNumber));
    }
}
