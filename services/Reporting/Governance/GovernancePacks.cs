using PatientExperience.Reporting.Projections;

namespace PatientExperience.Reporting.Governance;

/// <summary>A rendered pack.</summary>
public sealed record RenderedPack(PackDocument Document, string Html, byte[] Pdf);

/// <summary>
/// Produces governance packs: on demand (rendered, not stored), and the packs due on schedule: a facility's pack for a month
/// is due from the first working day (Monday to Friday) of the next month, from midnight in the facility's time zone, and
/// stored once under its idempotency key (facility and month). A pack missed while the service was down is made on the
/// next pass in that month. The facilities are those with activity in the month, and those given a time zone in options.
/// </summary>
public sealed class GovernancePacks(GovernancePackBuilder builder, GovernancePackStore packs, ReportingStore store,
    Microsoft.Extensions.Options.IOptions<GovernancePackOptions> options, TimeProvider clock)
{
    public async Task<RenderedPack> RenderAsync(string facilityId, PackMonth month, CancellationToken ct)
    {
        var document = await builder.BuildAsync(facilityId, month, ct);
        return new RenderedPack(document, PackHtml.Render(document), PackPdf.Render(document));
    }

    /// <summary>Generates and stores every pack due now and not stored yet.</summary>
    /// <returns>The ids of the packs stored by this call.</returns>
    public async Task<IReadOnlyList<string>> GenerateDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // The month reported on is the one before the facility's current local month; local months differ by a day at most,
        // so the candidates are the facilities active in the UTC month before the current one and the month before that.
        var utcMonth = PackMonth.Of(DateOnly.FromDateTime(now.UtcDateTime));
        var facilities = new SortedSet<string>(options.Value.TimeZones.Keys, StringComparer.Ordinal);
        var window = new Kpis.ReportPeriod(utcMonth.Previous.Previous.First, utcMonth.Previous.Last.AddDays(1));
        await foreach (var day in store.DaysAsync(new Kpis.ReportScope(null), window.From, window.To, ct)) facilities.Add(day.FacilityId);

        var stored = new List<string>();
        foreach (var facility in facilities)
        {
            var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, options.Value.ZoneOf(facility)).DateTime);
            if (local < FirstWorkingDay(PackMonth.Of(local))) continue;
            var month = PackMonth.Of(local).Previous;
            if (await packs.ExistsAsync(facility, month, ct)) continue;
            var pack = await RenderAsync(facility, month, ct);
            var record = new StoredGovernancePack { FacilityId = facility, Month = month.ToString(), GeneratedAt = pack.Document.GeneratedAt, Html = pack.Html, Pdf = pack.Pdf };
            if (await packs.TryAddAsync(record, ct))
            {
                stored.Add(GovernancePackStore.IdOf(facility, month));
                ReportingTelemetry.GovernancePacksGenerated.Add(1);
            }
        }

        return stored;
    }

    /// <summary>The first Monday-to-Friday day of the month (the reporting service knows no facility holidays).</summary>
    public static DateOnly FirstWorkingDay(PackMonth month)
    {
        var day = month.First;
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
        return day;
    }
}
