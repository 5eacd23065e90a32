using System.Text.RegularExpressions;

namespace PatientExperience.Case.Organisation;

/// <summary>
/// BCP-47 language tags as the directory keeps them: a language (2-3 letters), an optional script (4 letters) and an optional
/// region (2 letters or 3 digits), in their canonical case (<c>en</c>, <c>zh-Hant</c>, <c>pt-BR</c>, <c>es-419</c>). Matching a
/// patient to an advocate compares the language alone: an advocate who speaks <c>es</c> serves a patient who asked for <c>es-MX</c>.
/// </summary>
public static partial class LanguageTag
{
    /// <summary>The tag in canonical case, or null when it is not a well-formed language[-script][-region] tag.</summary>
    public static string? Normalise(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        var m = Pattern().Match(tag.Trim());
        if (!m.Success) return null;
        var language = m.Groups["language"].Value.ToLowerInvariant();
        var script = m.Groups["script"].Success ? "-" + char.ToUpperInvariant(m.Groups["script"].Value[0]) + m.Groups["script"].Value[1..].ToLowerInvariant() : "";
        var region = m.Groups["region"].Success ? "-" + m.Groups["region"].Value.ToUpperInvariant() : "";
        return language + script + region;
    }

    /// <summary>The primary language of a tag (<c>es</c> for <c>es-MX</c>), or null when it is not a tag.</summary>
    public static string? LanguageOf(string? tag) => Normalise(tag)?.Split('-')[0];

    /// <summary>Whether two tags name the same language (script and region aside).</summary>
    public static bool SameLanguage(string? a, string? b) => LanguageOf(a) is { } x && x == LanguageOf(b);

    [GeneratedRegex("^(?<language>[A-Za-z]{2,3})(?:-(?<script>[A-Za-z]{4}))?(?:-(?<region>[A-Za-z]{2}|[0-9]{3}))?$")]
    private static partial Regex Pattern();
}
