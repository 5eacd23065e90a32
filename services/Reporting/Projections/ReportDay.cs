namespace PatientExperience.Reporting.Projections;

/// <summary>
/// One unit's day (id: <see cref="DayKey.Id"/>): each subject's contribution to it, keyed by the subject and stamped with the
/// version of the subject's fact it was computed from, and the totals over them (overall and by category, channel and
/// severity). Setting a subject's entry is idempotent and only ever moves to a newer fact version, so redelivered events,
/// concurrent writers and a replay all converge on the same totals. A withdrawn entry (the subject moved to another day or
/// unit) stays as a tombstone with no measures, so a late writer with an older version cannot bring it back.
/// </summary>
public sealed class ReportDay
{
    public required string FacilityId { get; set; }
    public string? DepartmentId { get; set; }
    public string? UnitId { get; set; }
    /// <summary>yyyy-MM-dd (UTC).</summary>
    public required string Day { get; set; }
    public Dictionary<string, DayEntry> Entries { get; set; } = new(StringComparer.Ordinal);
    public DayTotals Totals { get; set; } = new();

    public static ReportDay For(DayKey key) => new()
    {
        FacilityId = key.FacilityId, DepartmentId = key.DepartmentId, UnitId = key.UnitId, Day = DayKey.DayString(key.Day),
    };

    public void Recount() => Totals = DayTotals.Of(Entries.Values);
}

public sealed class DayEntry
{
    public long Version { get; set; }
    /// <summary>Null for a withdrawn entry.</summary>
    public Measures? Measures { get; set; }
    public string? Category { get; set; }
    public string? Channel { get; set; }
    public string? Severity { get; set; }
}

/// <summary>A day's totals: what queries read (they skip the entries).</summary>
public sealed class DayTotals
{
    /// <summary>The group of subjects without the attribute (a case with no category, a discharge by severity).</summary>
    public const string Unspecified = "unspecified";

    /// <summary>Entries that count (not withdrawn): a day with none is left out of series.</summary>
    public int Subjects { get; set; }

    public Measures All { get; set; } = new();
    public Dictionary<string, Measures> ByCategory { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, Measures> ByChannel { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, Measures> BySeverity { get; set; } = new(StringComparer.Ordinal);

    public static DayTotals Of(IEnumerable<DayEntry> entries)
    {
        var totals = new DayTotals();
        foreach (var e in entries)
        {
            if (e.Measures is not { } m) continue;
            totals.Subjects++;
            totals.All.Add(m);
            AddTo(totals.ByCategory, e.Category, m);
            AddTo(totals.ByChannel, e.Channel, m);
            AddTo(totals.BySeverity, e.Severity, m);
        }

        return totals;
    }

    private static void AddTo(Dictionary<string, Measures> groups, string? key, Measures m)
    {
        key ??= Unspecified;
        if (!groups.TryGetValue(key, out var sum)) groups[key] = sum = new Measures();
        sum.Add(m);
    }
}

/// <summary>
/// One unit's month (id: the unit-day id with <c>yyyy-MM</c>): the sum of its days' overall totals, so a query over whole months reads
/// one small row per unit and month instead of one per day. Kept up to date from the days: each day's version it holds is
/// recorded, a day's change is applied as the difference from the version it replaced, and a month that missed a version
/// (a crash between the day's write and the month's) is summed again from its days.
/// </summary>
public sealed class ReportMonth
{
    public required string FacilityId { get; set; }
    public string? DepartmentId { get; set; }
    public string? UnitId { get; set; }
    /// <summary>yyyy-MM.</summary>
    public required string Month { get; set; }
    /// <summary>The version of each day (yyyy-MM-dd) the totals include.</summary>
    public Dictionary<string, long> DayVersions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The sum of the days' overall totals (<see cref="DayTotals.All"/>; the groups stay in the days, where series read them).</summary>
    public Measures All { get; set; } = new();
}

/// <summary>
/// One facility's month (id: <c>facility|yyyy-MM</c>): the sum of its unit-months, kept from them as they are kept from their
/// days (each unit-month's version recorded, a change applied as a difference, a missed version summed again), so a query over
/// whole months of a facility reads one row per month.
/// </summary>
public sealed class ReportFacilityMonth
{
    public required string FacilityId { get; set; }
    /// <summary>yyyy-MM.</summary>
    public required string Month { get; set; }
    /// <summary>The version of each unit-month (by its id) the totals include.</summary>
    public Dictionary<string, long> UnitMonthVersions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The sum of the unit-months' totals.</summary>
    public Measures All { get; set; } = new();
}

/// <summary>The part of a <see cref="ReportDay"/> that queries read: its place, day and totals (the entries are skipped).</summary>
public sealed class ReportDayTotals
{
    public required string FacilityId { get; set; }
    public string? DepartmentId { get; set; }
    public string? UnitId { get; set; }
    public required string Day { get; set; }
    public DayTotals Totals { get; set; } = new();
}
