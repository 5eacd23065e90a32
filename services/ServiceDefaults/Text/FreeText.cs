namespace PatientExperience.ServiceDefaults.Text;

/// <summary>
/// What free text the platform accepts from people (a concern's description, names, staff notes, survey comments, secure
/// messages). Control characters and the Unicode text-direction embeddings, overrides and isolates (U+202A-U+202E,
/// U+2066-U+2069, the "Trojan Source" characters) are refused: they can make a note, a name in an email or a line in a log
/// read differently from what is stored. Line breaks and tabs are allowed in multi-line text; the plain direction marks
/// (U+200E, U+200F) are allowed, as Arabic and Hebrew text needs them.
/// </summary>
public static class FreeText
{
    public const string RefusalMessage = "Must not contain control characters or text-direction override characters.";
    public const string SingleLineRefusalMessage = "Must be one line without control characters or text-direction override characters.";

    /// <summary>Whether every character of <paramref name="value"/> is acceptable (null and empty are).</summary>
    public static bool IsSafe(string? value, bool multiLine = true)
    {
        if (string.IsNullOrEmpty(value)) return true;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return false;
                i++;
                continue;
            }

            if (char.IsLowSurrogate(c)) return false;
            if (multiLine && c is '\n' or '\r' or '\t') continue;
            if (char.IsControl(c) || IsDirectionOverride(c)) return false;
        }

        return true;
    }

    /// <summary>The refusal message for a field, or null when the value is acceptable.</summary>
    public static string? Problem(string? value, bool multiLine = true) =>
        IsSafe(value, multiLine) ? null : multiLine ? RefusalMessage : SingleLineRefusalMessage;

    private static bool IsDirectionOverride(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
}
