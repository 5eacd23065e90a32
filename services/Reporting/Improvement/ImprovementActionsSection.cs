using System.Globalization;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Reporting.Governance;

namespace PatientExperience.Reporting.Improvement;

/// <summary>
/// The governance pack's "Improvement actions" section: where the facility's improvement actions stood at the end of the
/// month (or now, for the month under way). Open ones (proposed or in progress) with theme, owning department, due date and
/// an overdue flag (past the end of the due date and not done); those done and awaiting verification; those verified in the
/// month; counts per theme. From <see cref="ImprovementActionsReadModel"/>, which holds no title, measure, evidence or owner:
/// actions are named by the start of their id and owned by their department, so the pack stays fit for analysts.
/// </summary>
public sealed class ImprovementActionsSection(ImprovementActionsReadModel model) : IGovernancePackSection
{
    /// <summary>How many characters of an action's id name it in the pack (the case service finds it by its full id).</summary>
    public const int ShortIdLength = 8;

    public int Order => 900;

    public async Task<PackSection> BuildAsync(PackContext context, CancellationToken ct)
    {
        var end = context.Month.Period.End;
        var at = end < context.Now ? end : context.Now;
        var from = new DateTimeOffset(context.Month.First.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var actions = (await model.FactsOfAsync(context.FacilityId, ct))
            .Select(f => (Fact: f, Status: f.StatusAt(at))).Where(a => a.Status is not null).ToList();
        var open = actions.Where(a => a.Status is ImprovementActionStatus.Proposed or ImprovementActionStatus.InProgress)
            .OrderBy(a => a.Fact.DueDate).ThenBy(a => a.Fact.ActionId, StringComparer.Ordinal).ToList();
        var awaiting = actions.Where(a => a.Status == ImprovementActionStatus.Done)
            .OrderBy(a => a.Fact.DueDate).ThenBy(a => a.Fact.ActionId, StringComparer.Ordinal).ToList();
        var verified = actions.Where(a => a.Status == ImprovementActionStatus.Verified && a.Fact.ReachedAt(ImprovementActionStatus.Verified) is { } v && v >= from)
            .OrderBy(a => a.Fact.ReachedAt(ImprovementActionStatus.Verified)).ThenBy(a => a.Fact.ActionId, StringComparer.Ordinal).ToList();
        var overdue = open.Count(a => a.Fact.WasOverdueAt(at));

        var themes = open.Select(a => a.Fact.Theme).Concat(awaiting.Select(a => a.Fact.Theme)).Concat(verified.Select(a => a.Fact.Theme))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(t => (IReadOnlyList<string>)[t,
                Cells.Count(open.Count(a => a.Fact.Theme == t)), Cells.Count(open.Count(a => a.Fact.Theme == t && a.Fact.WasOverdueAt(at))),
                Cells.Count(awaiting.Count(a => a.Fact.Theme == t)), Cells.Count(verified.Count(a => a.Fact.Theme == t))]).ToList();

        var blocks = new List<PackBlock>
        {
            new PackParagraph($"Changes to care processes that departments took on, as they stood at {at:yyyy-MM-dd HH:mm} UTC. Open: proposed or in progress; overdue: open past the end of its due date. Actions are named by the first {ShortIdLength} characters of their id in the case service (their titles, measures and evidence are kept there) and owned by their department. Themes are complaint categories."),
            new PackTable(["Measure", "Actions"],
            [
                ["Open", Cells.Count(open.Count)],
                ["  of which overdue", Cells.Count(overdue)],
                ["Done, awaiting verification", Cells.Count(awaiting.Count)],
                ["Verified in the month", Cells.Count(verified.Count)],
            ]),
        };
        if (actions.Count == 0)
        {
            blocks.Add(new PackParagraph("No improvement action was recorded for the facility by the end of the month."));
            return new PackSection("improvement-actions", "Improvement actions", blocks);
        }

        blocks.Add(themes.Count == 0
            ? new PackParagraph("No action was open, awaiting verification or verified in the month.")
            : new PackTable(["Theme", "Open", "Overdue", "Awaiting verification", "Verified in the month"], themes));
        blocks.Add(new PackParagraph("Open actions, soonest due first."));
        blocks.Add(open.Count == 0
            ? new PackParagraph("No action was open.")
            : new PackTable(["Action", "Theme", "Department", "Status", "Due", "Overdue"],
                open.Select(a => (IReadOnlyList<string>)[Short(a.Fact), a.Fact.Theme, a.Fact.DepartmentId, a.Status!.Value.ToWire(), Day(a.Fact.DueDate), a.Fact.WasOverdueAt(at) ? "yes" : "no"]).ToList()));
        blocks.Add(new PackParagraph("Done and awaiting verification against their measure."));
        blocks.Add(awaiting.Count == 0
            ? new PackParagraph("No action was awaiting verification.")
            : new PackTable(["Action", "Theme", "Department", "Due", "Done on"],
                awaiting.Select(a => (IReadOnlyList<string>)[Short(a.Fact), a.Fact.Theme, a.Fact.DepartmentId, Day(a.Fact.DueDate), Day(a.Fact.ReachedAt(ImprovementActionStatus.Done))]).ToList()));
        blocks.Add(new PackParagraph("Verified in the month, with evidence that the change worked."));
        blocks.Add(verified.Count == 0
            ? new PackParagraph("No action was verified in the month.")
            : new PackTable(["Action", "Theme", "Department", "Due", "Verified on"],
                verified.Select(a => (IReadOnlyList<string>)[Short(a.Fact), a.Fact.Theme, a.Fact.DepartmentId, Day(a.Fact.DueDate), Day(a.Fact.ReachedAt(ImprovementActionStatus.Verified))]).ToList()));
        return new PackSection("improvement-actions", "Improvement actions", blocks);
    }

    public static string Short(ImprovementActionFact fact) => fact.ActionId[..ShortIdLength];

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : Cells.None;
}
