using PatientExperience.Client;

namespace PatientExperience.Web.Console;

/// <summary>What a person last saw of a case, carried in each action form, so a refused action (412) can say what changed.</summary>
public sealed record SeenCase(long Version, string? Status, string? Level, string? Assignee, int HistoryCount);

/// <summary>
/// The difference between the version of a case someone acted on and the case as it is now: status, escalation level, assignee
/// and the timeline entries added since. Shown when the API refuses an action because the case changed (412).
/// </summary>
public sealed record CaseChanges(IReadOnlyList<(string What, string Before, string After)> Fields, IReadOnlyList<TimelineEntryView> NewEntries)
{
    public static CaseChanges Between(SeenCase seen, CaseView now)
    {
        var fields = new List<(string, string, string)>();
        void Compare(string what, string? before, string? after, Func<string?, string?> show)
        {
            if (!string.Equals(before ?? "", after ?? "", StringComparison.Ordinal))
                fields.Add((what, show(before) is { Length: > 0 } b ? b : "none", show(after) is { Length: > 0 } a ? a : "none"));
        }

        Compare("Status", seen.Status, now.Status, ConsoleFormat.Words);
        Compare("Escalation level", seen.Level, now.EscalationLevel, ConsoleFormat.Words);
        Compare("Assignee", seen.Assignee, now.AssigneeId, id => id);
        var added = seen.HistoryCount >= 0 && seen.HistoryCount <= now.History.Count ? now.History.Skip(seen.HistoryCount).ToList() : now.History.ToList();
        return new CaseChanges(fields, added);
    }

    public bool IsEmpty => Fields.Count == 0 && NewEntries.Count == 0;
}
