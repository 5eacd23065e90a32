using System.Text.Json.Serialization;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Classification;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Text;

namespace PatientExperience.Case.Guidance;

/// <summary>Text in the library's languages: English always, Spanish when written.</summary>
public sealed record LocalizedMarkdown(string En, string? Es)
{
    /// <summary>The text for a BCP-47 language: Spanish for any <c>es</c> tag when there is some, otherwise English.</summary>
    public string For(string language) => language == "es" && !string.IsNullOrWhiteSpace(Es) ? Es : En;
}

/// <summary>Which cases an entry applies to: every list given must contain the case's value (an empty list matches all).</summary>
public sealed record GuidanceScope(IReadOnlyList<string> Categories, IReadOnlyList<CaseType> Classifications, IReadOnlyList<Severity> Severities)
{
    public bool AppliesTo(CaseFile c) =>
        (Categories.Count == 0 || Categories.Contains(c.Category)) &&
        (Classifications.Count == 0 || Classifications.Contains(c.Classification)) &&
        (Severities.Count == 0 || Severities.Contains(c.Severity));
}

/// <summary>One version of an entry: never changed once written.</summary>
public sealed record GuidanceVersion(int Version, GuidanceKind Kind, GuidanceScope Scope, LocalizedMarkdown Title, LocalizedMarkdown Body, DateTimeOffset CreatedAt, string CreatedBy)
{
    /// <summary>Whether another draft says the same (then it adds no version).</summary>
    public bool SameAs(GuidanceDraft d) =>
        Kind == d.Kind && Scope.Categories.SequenceEqual(d.Scope.Categories) && Scope.Classifications.SequenceEqual(d.Scope.Classifications)
        && Scope.Severities.SequenceEqual(d.Scope.Severities) && Title == d.Title && Body == d.Body;
}

/// <summary>A checked new version of an entry, before it is numbered.</summary>
public sealed record GuidanceDraft(string Key, GuidanceKind Kind, GuidanceScope Scope, LocalizedMarkdown Title, LocalizedMarkdown Body);

/// <summary>
/// An entry of the advocates' guidance library (guidance for the advocate, or a resource for the patient), in Markdown,
/// English and Spanish, for the cases its scope names (category, classification, severity). Versioned: a change adds a version
/// and the latest is the one shown; an identical draft adds none. The text is staff-written reference material, not PHI.
/// </summary>
public sealed class GuidanceEntry
{
    public const int MaxKey = 80;
    public const int MaxTitle = 200;
    public const int MaxBody = 20_000;

    public required string Key { get; init; }
    public List<GuidanceVersion> Versions { get; init; } = [];

    [JsonIgnore]
    public GuidanceVersion Current => Versions[^1];

    [JsonConstructor]
    private GuidanceEntry() { }

    public static GuidanceEntry Create(GuidanceDraft draft, string actor, DateTimeOffset now) =>
        new() { Key = draft.Key, Versions = [new GuidanceVersion(1, draft.Kind, draft.Scope, draft.Title, draft.Body, now, actor)] };

    /// <summary>Adds the draft as the next version; false (nothing added) when it says what the current version says.</summary>
    public bool AddVersion(GuidanceDraft draft, string actor, DateTimeOffset now)
    {
        if (Current.SameAs(draft)) return false;
        Versions.Add(new GuidanceVersion(Current.Version + 1, draft.Kind, draft.Scope, draft.Title, draft.Body, now, actor));
        return true;
    }

    /// <summary>Checks a request's parts and makes a draft, or names every field that is wrong.</summary>
    public static (GuidanceDraft? Draft, Dictionary<string, string[]> Errors) Draft(
        string? key, string? kind, IReadOnlyList<string>? categories, IReadOnlyList<string>? classifications, IReadOnlyList<string>? severities,
        LocalizedMarkdown? title, LocalizedMarkdown? body)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxKey || !key.All(ch => ch is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
            errors["key"] = [$"Must be 1 to {MaxKey} lower-case letters, digits and hyphens."];
        if (!Wire.TryParse<GuidanceKind>(kind, out var parsedKind)) errors["kind"] = ["Must be one of: " + string.Join(", ", Wire.All<GuidanceKind>()) + "."];
        var cats = categories ?? [];
        if (cats.Any(c => !CaseClassifier.Categories.Contains(c))) errors["categories"] = ["Each must be one of: " + string.Join(", ", CaseClassifier.Categories) + "."];
        var types = Parse<CaseType>(classifications, "classifications", errors);
        var levels = Parse<Severity>(severities, "severities", errors);
        if (cats.Count == 0 && types.Count == 0 && levels.Count == 0) errors["categories"] = ["Name at least one category, classification or severity the entry applies to."];
        Text(title, "title", MaxTitle, multiLine: false, errors);
        Text(body, "body", MaxBody, multiLine: true, errors);
        if (errors.Count > 0) return (null, errors);
        var scope = new GuidanceScope(cats.Distinct().Order(StringComparer.Ordinal).ToList(), types.Distinct().Order().ToList(), levels.Distinct().Order().ToList());
        return (new GuidanceDraft(key!, parsedKind, scope, title!, body!), errors);
    }

    private static List<T> Parse<T>(IReadOnlyList<string>? values, string field, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        var parsed = new List<T>();
        foreach (var v in values ?? [])
        {
            if (Wire.TryParse<T>(v, out var value)) parsed.Add(value);
            else errors[field] = ["Each must be one of: " + string.Join(", ", Wire.All<T>()) + "."];
        }

        return parsed;
    }

    private static void Text(LocalizedMarkdown? text, string field, int max, bool multiLine, Dictionary<string, string[]> errors)
    {
        if (text is null || string.IsNullOrWhiteSpace(text.En) || text.En.Length > max) errors[$"{field}.en"] = [$"English is required: 1 to {max} characters."];
        else if (FreeText.Problem(text.En, multiLine) is { } en) errors[$"{field}.en"] = [en];
        if (text?.Es is { } es && (es.Length > max || FreeText.Problem(es, multiLine) is not null)) errors[$"{field}.es"] = [FreeText.Problem(es, multiLine) ?? $"At most {max} characters."];
    }
}
