using System.Globalization;
using PatientExperience.Reporting.Kpis;

namespace PatientExperience.Reporting.Governance;

/// <summary>
/// A facility's monthly governance pack for the grievance committee and the board, as a document of sections that the
/// HTML and PDF renderers both draw (<see cref="PackHtml"/>, <see cref="PackPdf"/>). Aggregates only: counts, rates, ids of
/// places and categories, never a patient's name, contact or words.
/// </summary>
public sealed record PackDocument(string FacilityId, PackMonth Month, DateTimeOffset GeneratedAt, IReadOnlyList<PackSection> Sections)
{
    public string Title => $"Patient experience governance pack: {FacilityId}, {Month}";
}

/// <summary>A section: its id (an HTML anchor and PDF bookmark), title and blocks in order.</summary>
public sealed record PackSection(string Id, string Title, IReadOnlyList<PackBlock> Blocks);

public abstract record PackBlock;

public sealed record PackParagraph(string Text) : PackBlock;

/// <summary>A table: header row and body rows, every cell text already formatted.</summary>
public sealed record PackTable(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) : PackBlock;

/// <summary>A chart drawn as PNG for both renderers.</summary>
public sealed record PackChart(string Caption, byte[] Png) : PackBlock;

/// <summary>A calendar month (yyyy-MM); its report period is its whole UTC days.</summary>
public readonly record struct PackMonth(int Year, int Month)
{
    public static bool TryParse(string? value, out PackMonth month)
    {
        month = default;
        if (value is not { Length: 7 } || !DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)) return false;
        month = new PackMonth(first.Year, first.Month);
        return true;
    }

    public static PackMonth Of(DateOnly day) => new(day.Year, day.Month);

    public DateOnly First => new(Year, Month, 1);

    public DateOnly Last => First.AddMonths(1).AddDays(-1);

    public ReportPeriod Period => new(First, Last);

    public PackMonth Previous => Of(First.AddMonths(-1));

    public PackMonth Next => Of(First.AddMonths(1));

    /// <summary>The months from <paramref name="count"/> - 1 months before this one to this one, both included.</summary>
    public ReportPeriod Trailing(int count) => new(First.AddMonths(1 - count), Last);

    public override string ToString() => First.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}

/// <summary>What every section is built for: one facility and month, at an instant (for "open at the end of the month").</summary>
public sealed record PackContext(string FacilityId, PackMonth Month, DateTimeOffset Now)
{
    public ReportScope Scope => ReportScope.Facility(FacilityId);

    /// <summary>How many months trend charts and tables show, ending with the pack's month.</summary>
    public const int TrendMonths = 6;
}

/// <summary>
/// A section of the governance pack. Sections are registered in DI (<c>AddSingleton&lt;IGovernancePackSection, ...&gt;()</c>)
/// and drawn in <see cref="Order"/>: this is the extension point for sections other features own (improvement actions, say,
/// at order 900 after the signals).
/// </summary>
public interface IGovernancePackSection
{
    /// <summary>Position in the pack (the built-in sections use 100..800).</summary>
    int Order { get; }

    Task<PackSection> BuildAsync(PackContext context, CancellationToken ct);
}
