using PatientExperience.ServiceDefaults.Text;

namespace PatientExperience.Case.Cases;

/// <summary>
/// What staff must give with an action on a case: a reason of 1 to <see cref="MaxReason"/> characters where one is asked
/// for, free text (notes, task descriptions, letter elements) of at most <see cref="MaxText"/> characters. Each check answers
/// the refusal naming the field, or null when the input is acceptable.
/// </summary>
public static class StaffInput
{
    public const int MaxText = 10_000;
    public const int MaxReason = 500;
    /// <summary>The longest person id staff may name (a task's owner).</summary>
    public const int MaxId = 100;

    /// <summary>A reason kept in the case's history (escalating, reopening, reclassifying).</summary>
    public static CaseActionResult? Reason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReason
            ? CaseActionResult.Invalid("reason", $"A reason of 1 to {MaxReason} characters is required.")
            : Unsafe(reason, "reason");

    /// <summary>Required free text: a note or a task description.</summary>
    public static CaseActionResult? Text(string? text, string field) =>
        string.IsNullOrWhiteSpace(text) || text.Length > MaxText ? CaseActionResult.Invalid(field, $"Must be 1 to {MaxText} characters.") : Unsafe(text, field);

    /// <summary>An optional note given with another action (blank means none).</summary>
    public static CaseActionResult? OptionalNote(string? note) =>
        !string.IsNullOrWhiteSpace(note) && note.Length > MaxText ? CaseActionResult.Invalid("note", $"Must be at most {MaxText} characters.") : Unsafe(note, "note");

    /// <summary>Each element of a letter (contact, steps taken, results, body) is at most <see cref="MaxText"/> characters.</summary>
    public static CaseActionResult? Letter(ResponseLetterDraft letter) =>
        new[] { letter.ContactName, letter.StepsTaken, letter.Results, letter.Body }.Any(t => t?.Length > MaxText)
            ? CaseActionResult.Invalid("body", $"Each element is at most {MaxText} characters.")
            : Unsafe(letter.ContactName, "contactName", multiLine: false) ?? Unsafe(letter.StepsTaken, "stepsTaken")
              ?? Unsafe(letter.Results, "results") ?? Unsafe(letter.Body, "body");

    /// <summary>Control and text-direction override characters are refused in everything staff write (see <see cref="FreeText"/>).</summary>
    private static CaseActionResult? Unsafe(string? text, string field, bool multiLine = true) =>
        FreeText.Problem(text, multiLine) is { } problem ? CaseActionResult.Invalid(field, problem) : null;
}
