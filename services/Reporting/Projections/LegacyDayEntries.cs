using System.Text.Json;
using System.Text.Json.Nodes;
using PatientExperience.Storage;

namespace PatientExperience.Reporting.Projections;

/// <summary>
/// Moves the entries of unit-days written before entries had documents of their own (each day held every subject's entry,
/// rewritten whole on every change) into <see cref="ReportingStore.DayEntriesDefinition"/>: one day at a time, its entries and
/// the day without them in one atomic write. Runs at start-up, after the store is initialised and before the consumers, so
/// no event is projected against a day whose entries are still inside it (it would count its subjects again). Idempotent: a
/// day without entries is left alone, so a restart carries on where it stopped.
/// </summary>
public sealed partial class LegacyDayEntries(
    [FromKeyedServices(ReportingModule.ServiceName)] IDocumentStore store, ILogger<LegacyDayEntries> logger) : IHostedService
{
    private const int MaxAttempts = 10;

    /// <summary>Where earlier versions kept a day's entries, by subject (the rest of the day is as now).</summary>
    public const string EntriesField = "entries";

    async Task IHostedService.StartAsync(CancellationToken cancellationToken)
    {
        var moved = await MoveAsync(cancellationToken);
        if (moved > 0) LogMoved(logger, moved);
    }

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Moves every legacy day's entries; returns how many days it changed.</summary>
    public async Task<int> MoveAsync(CancellationToken ct)
    {
        var days = store.Collection<JsonObject>(ReportingStore.DaysDefinition);
        var moved = 0;
        for (var page = 1; ; page++)
        {
            // In id order (the default): replacing a day keeps its place, so the pages stay where they were.
            var result = await days.QueryAsync(new DocumentQuery { PageNumber = page, PageSize = DocumentQuery.MaxPageSize }, ct);
            foreach (var day in result.Items.Where(d => HasEntries(d.Document)))
            {
                await MoveDayAsync(days, day, ct);
                moved++;
            }

            if (result.Items.Count < DocumentQuery.MaxPageSize) return moved;
        }
    }

    private static bool HasEntries(JsonObject day) => day[EntriesField] is JsonObject { Count: > 0 };

    private async Task MoveDayAsync(IDocumentCollection<JsonObject> days, Stored<JsonObject> day, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var d = (JsonObject)day.Document.DeepClone();
            var entries = d[EntriesField].Deserialize<Dictionary<string, DayEntry>>(StoreJson.Options)!;
            d.Remove(EntriesField);
            d["totals"] = JsonSerializer.SerializeToNode(DayTotals.Of(entries.Values), StoreJson.Options);
            var writes = entries.Select(e => new CollectionWrite(ReportingStore.DayEntriesDefinition, DayEntry.IdOf(day.Id, e.Key), e.Value, null)).ToList();
            writes.Add(new CollectionWrite(ReportingStore.DaysDefinition, day.Id, d, day.Version));
            if (await store.TryWriteAllAsync(writes, ct)) return;

            // Changed meanwhile (a replica still running the earlier version): read it again.
            if (attempt >= MaxAttempts) throw new ConcurrencyConflictException(ReportingStore.DaysDefinition.Name, day.Id);
            if (await days.GetAsync(day.Id, ct) is not { } again || !HasEntries(again.Document)) return;
            day = again;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved the entries of {Days} unit-days written by an earlier version into documents of their own.")]
    private static partial void LogMoved(ILogger logger, int days);
}
