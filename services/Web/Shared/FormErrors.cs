namespace PatientExperience.Web.Shared;

/// <summary>
/// The errors of one form, in the order of its fields: each tied to the id of the control it is about (the summary links
/// to it, the control names it in <c>aria-describedby</c>). An error with no control (a problem of the whole form) has a null id.
/// </summary>
public sealed class FormErrors
{
    private readonly List<(string? FieldId, string Message)> _errors = [];

    public IReadOnlyList<(string? FieldId, string Message)> All => _errors;

    public bool Any => _errors.Count > 0;

    public void Add(string? fieldId, string message)
    {
        if (!_errors.Any(e => e.FieldId == fieldId && fieldId is not null)) _errors.Add((fieldId, message));
    }

    public string? For(string fieldId) => _errors.FirstOrDefault(e => e.FieldId == fieldId).Message;

    public bool Has(string fieldId) => For(fieldId) is not null;

    /// <summary>The <c>aria-describedby</c> of a control: its hint and, when it has one, its error.</summary>
    public string? DescribedBy(string fieldId, bool hasHint = false)
    {
        var ids = new List<string>();
        if (hasHint) ids.Add($"{fieldId}-hint");
        if (Has(fieldId)) ids.Add($"{fieldId}-error");
        return ids.Count == 0 ? null : string.Join(' ', ids);
    }

    /// <summary>Orders the errors as the fields appear on the page (<paramref name="order"/>); unknown ones last.</summary>
    public void SortBy(IReadOnlyList<string> order)
    {
        var sorted = _errors.OrderBy(e => e.FieldId is null ? int.MaxValue : order.IndexOf(e.FieldId) is var i && i >= 0 ? i : int.MaxValue - 1).ToList();
        _errors.Clear();
        _errors.AddRange(sorted);
    }
}

internal static class ListExtensions
{
    public static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}
