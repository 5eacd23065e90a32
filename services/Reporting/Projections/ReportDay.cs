namespace PatientExperience.Reporting.Projections;

/// <summary>
/// One unit's day (id: <see cref="DayKey.Id"/>): the totals of the subjects that count in it (overall and by category, channel
/// and severity), what queries read. Each subject's contribution is a <see cref="DayEntry"/> of its own, and the totals are
/// kept by difference, written in the same atomic write as the entries they change (and the months above them), so a batch
/// writes what it changed, whatever the day already holds.
/// </summary>
public sealed class ReportDay
{
    public required string FacilityId { get; set; }
    public string? DepartmentId { get; set; }
    public string? UnitId { get; set; }
    /// <summary>yyyy-MM-dd (UTC).</summary>
    public required string Day { get; set; }
    public DayTotals Totals { get; set; } = new();

    public static ReportDay For(DayKey key) => new()
    {
        FacilityId = key.FacilityId, DepartmentId = key.DepartmentId, UnitId = key.UnitId, Day = DayKey.DayString(key.Day),
    };
}

/// <summary>
/// What one subject contributes to one unit's day (id: <see cref="IdOf"/>), stamped with the version of the subject's fact it
/// was computed from. Setting it is idempotent and only ever moves to a newer fact version, so redelivered events, concurrent
/// writers and a replay all converge on the same totals. A withdrawn entry (the subject moved to another day or unit) stays as
/// a tombstone with no measures, so a late writer with an older version cannot bring it back.
/// </summary>
public sealed class DayEntry
{
    public long Version { get; set; }
    /// <summary>Null for a withdrawn entry.</summary>
    public Measures? Measures { get; set; }
    public string? Category { get; set; }
    public string? Channel { get; set; }
    public string? Severity { get; set; }

    /// <summary>The entry's id: its day's id and the subject's entry key (<c>kind:id</c>).</summary>
    public static string IdOf(string dayId, string entryKey) => $"{dayId}#{entryKey}";
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

    /// <summary>The totals of the entries, summed afresh (what <see cref="Replace"/> keeps them equal to).</summary>
    public static DayTotals Of(IEnumerable<DayEntry> entries)
    {
        var totals = new DayTotals();
        foreach (var e in entries) totals.Replace(null, e);
        return totals;
    }

    /// <summary>
    /// Takes a subject's previous entry (null: none) out of the totals and puts its new one in. Groups left empty are dropped,
    /// so the totals are the same as summing the entries afresh.
    /// </summary>
    public void Replace(DayEntry? before, DayEntry after)
    {
        if (before is not null) Apply(before, -1);
        Apply(after, 1);
    }

    private void Apply(DayEntry e, int sign)
    {
        if (e.Measures is not { } m) return;
        Subjects += sign;
        All.Add(m, sign);
        AddTo(ByCategory, e.Category, m, sign);
        AddTo(ByChannel, e.Channel, m, sign);
        AddTo(BySeverity, e.Severity, m, sign);
    }

    private static void AddTo(Dictionary<string, Measures> groups, string? key, Measures m, int sign)
    {
        key ??= Unspecified;
        if (!groups.TryGetValue(key, out var sum)) groups[key] = sum = new Measures();
        sum.Add(m, sign);
        if (sum.IsEmpty) groups.Remove(key);
    }
}

/// <summary>
/// One unit's month (id: the unit-day id with <c>yyyy-MM</c>): the sum of its days' overall totals, so a query over whole months reads
/// one small row per unit and month instead of one per day. Kept by the same difference as its days, in the same atomic write.
/// </summary>
public sealed class ReportMonth
{
    public required string FacilityId { get; set; }
    public string? DepartmentId { get; set; }
    public string? UnitId { get; set; }
    /// <summary>yyyy-MM.</summary>
    public required string Month { get; set; }
    /// <summary>The sum of the days' overall totals (<see cref="DayTotals.All"/>; the groups stay in the days, where series read them).</summary>
    public Measures All { get; set; } = new();
}

/// <summary>
/// One facility's month (id: <c>facility|yyyy-MM</c>): the sum of its unit-months, kept by the same difference in the same
/// atomic write, so a query over whole months of a facility reads one row per month.
/// </summary>
public sealed class ReportFacilityMonth
{
    public required string FacilityId { get; set; }
    /// <summary>yyyy-MM.</summary>
    public required string Month { get; set; }
    /// <summary>The sum of the unit-months' totals.</summary>
    public Measures All { get; set; } = new();
}
