namespace PatientExperience.Web.Console;

/// <summary>What every form of the case page posts: the version seen (<see cref="SeenFields"/>), and the action's own fields.</summary>
public sealed class CaseActionForm
{
    public long Version { get; set; }
    public string? SeenStatus { get; set; }
    public string? SeenLevel { get; set; }
    public string? SeenAssignee { get; set; }
    public int SeenHistory { get; set; }

    /// <summary>A note, a reason, a completion note, a message or a letter's body, depending on the form.</summary>
    public string? Text { get; set; }
    public string? AssigneeId { get; set; }
    public string? LetterKind { get; set; }
    public string? ContactName { get; set; }
    public string? StepsTaken { get; set; }
    public string? Results { get; set; }
    public string? CompletionDate { get; set; }

    /// <summary>Set by the page for the letter form, so its fields are shown again after a refusal.</summary>
    public string? Action { get; set; }

    public SeenCase Seen => new(Version, SeenStatus, SeenLevel, SeenAssignee, SeenHistory);
}
