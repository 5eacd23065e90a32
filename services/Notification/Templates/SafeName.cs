using System.Globalization;
using System.Text;

namespace PatientExperience.Notification.Templates;

/// <summary>
/// The name a submitter typed, made safe to greet them with in an email the hospital sends to an address anyone could have
/// given: control, format (bidirectional overrides, zero-width) and separator characters removed, any word that looks like a
/// link, an address or a domain (<c>://</c>, <c>www.</c>, <c>@</c>, a dot inside a word) dropped, whitespace collapsed, at most
/// 60 characters. Null when nothing is left (the message then greets without a name).
/// </summary>
public static class SafeName
{
    public const int MaxLength = 60;

    public static string? From(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var visible = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate)
            {
                visible.Append(' ');
                continue;
            }

            visible.Append(rune.ToString());
        }

        var words = visible.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Where(w => !LooksLikeALink(w));
        var safe = string.Join(' ', words);
        if (safe.Length > MaxLength) safe = safe[..MaxLength].TrimEnd();
        return safe.Length == 0 ? null : safe;
    }

    private static bool LooksLikeALink(string word)
    {
        if (word.Contains("://", StringComparison.Ordinal) || word.Contains('@') || word.StartsWith("www.", StringComparison.OrdinalIgnoreCase)) return true;
        // A dot between two letters or digits (example.org, a.b.co): a domain, not a name ("J." or "St. John" keep theirs).
        for (var i = 1; i < word.Length - 1; i++)
        {
            if (word[i] == '.' && char.IsLetterOrDigit(word[i - 1]) && char.IsLetterOrDigit(word[i + 1])) return true;
        }

        return false;
    }
}
