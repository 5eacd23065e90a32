using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Reporting.Kpis;
using PatientExperience.Reporting.Projections;
using PatientExperience.Storage.Sqlite;

namespace PatientExperience.Reporting.Tests;

/// <summary>
/// The batching in front of the read models (what the reporting queue's consumer calls): many events handed in at once,
/// in any order and some twice, end as the same totals as one by one; each call returns once its event is stored; an event
/// whose projection fails fails alone, not the events batched with it; writers side by side, each with its facilities, count
/// the same.
/// </summary>
public sealed class ProjectionBatcherTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Opened = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);

    private readonly SqliteDocumentStore _documents = new("reporting", null);
    private ReportingStore _store = null!;
    private ProjectionBatcher _batcher = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        foreach (var d in ReportingStore.AllDefinitions) _documents.Collection<object>(d);
        await _documents.InitializeAsync(Ct);
        _store = new ReportingStore(_documents);
        _batcher = new ProjectionBatcher(_store, Options.Create(new ReportingOptions { IngestMaxBatch = 16 }));
    }

    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync();
        _documents.Dispose();
    }

    private Task<bool> ProjectAsync(string caseId, Action<CaseFact> apply) =>
        _batcher.ProjectAsync(ReportingStore.Cases, "riverside", caseId, f =>
        {
            var fact = f ?? new CaseFact { CaseId = caseId, FacilityId = "riverside" };
            apply(fact);
            return fact;
        }, Ct);

    private static Action<CaseFact> Open(int i) => f =>
    {
        f.DepartmentId = "emergency";
        f.UnitId = i % 2 == 0 ? "ed-adult" : "ed-peds";
        f.Classification = CaseType.Complaint;
        f.Severity = Severity.Medium;
        f.OpenedAt = Opened.AddMinutes(i);
    };

    private async Task<(long Opened, long Acknowledged, long Resolved, int Subjects)> TotalsAsync()
    {
        var (opened, acknowledged, resolved, subjects) = (0L, 0L, 0L, 0);
        await foreach (var d in _store.DaysAsync(new ReportScope(["riverside"]), DateOnly.FromDateTime(Opened.UtcDateTime), DateOnly.FromDateTime(Opened.UtcDateTime.AddDays(1)), Ct))
        {
            opened += d.Totals.All.CasesOpened;
            acknowledged += d.Totals.All.Acknowledged;
            resolved += d.Totals.All.Resolved;
            subjects += d.UnitId is null ? 0 : d.Totals.Subjects;
        }

        return (opened, acknowledged, resolved, subjects);
    }

    [Fact]
    public async Task Hundreds_of_events_handed_in_at_once_shuffled_and_some_twice_count_each_case_once()
    {
        var calls = new List<Func<Task<bool>>>();
        for (var i = 0; i < 60; i++)
        {
            var (id, n) = ($"c{i}", i);
            calls.Add(() => ProjectAsync(id, Open(n)));
            calls.Add(() => ProjectAsync(id, f => f.FirstAcknowledgedAt = ReportFact.Earliest(f.FirstAcknowledgedAt, Opened.AddMinutes(n + 30))));
            if (n % 3 == 0) calls.Add(() => ProjectAsync(id, f => f.FirstResolvedAt = f.LastResolvedAt = Opened.AddHours(3)));
            if (n % 4 == 0) calls.Add(() => ProjectAsync(id, Open(n))); // redelivered
        }

        var shuffled = calls.OrderBy(_ => Random.Shared.Next()).ToList();
        await Task.WhenAll(shuffled.Select(call => Task.Run(call, Ct)));

        Assert.Equal((60L, 60L, 20L, 60), await TotalsAsync());
        Assert.Equal(40, (await _store.OpenCaseFactsAtAsync(new ReportScope(["riverside"]), Opened.AddHours(4), Ct)).Count);
    }

    [Fact]
    public async Task Writers_side_by_side_each_with_its_facilities_count_every_case_once_even_one_whose_events_name_two_facilities()
    {
        await using var writers = new ProjectionBatcher(_store, Options.Create(new ReportingOptions { IngestMaxBatch = 8, IngestWriters = 3 }));
        string[] facilities = ["riverside", "hillcrest", "lakeside", "northgate", "summit"];
        Task<bool> Project(string facility, string caseId, Action<CaseFact> apply) =>
            writers.ProjectAsync(ReportingStore.Cases, facility, caseId, f =>
            {
                var fact = f ?? new CaseFact { CaseId = caseId, FacilityId = facility };
                apply(fact);
                return fact;
            }, Ct);

        var calls = new List<Func<Task<bool>>>();
        for (var i = 0; i < 100; i++)
        {
            var (id, n, facility) = ($"c{i}", i, facilities[i % facilities.Length]);
            calls.Add(() => Project(facility, id, f => { f.FacilityId = facility; Open(n)(f); }));
            calls.Add(() => Project(facility, id, f => f.FirstAcknowledgedAt = ReportFact.Earliest(f.FirstAcknowledgedAt, Opened.AddMinutes(n + 30))));
        }

        // A case first heard of from an event that names another facility (its writer is another one), then opened at summit.
        calls.Add(() => Project("riverside", "moved", f => f.FirstAcknowledgedAt = ReportFact.Earliest(f.FirstAcknowledgedAt, Opened.AddMinutes(40))));
        calls.Add(() => Project("summit", "moved", f => { f.FacilityId = "summit"; Open(7)(f); }));

        await Task.WhenAll(calls.OrderBy(_ => Random.Shared.Next()).Select(call => Task.Run(call, Ct)));

        var period = (From: DateOnly.FromDateTime(Opened.UtcDateTime), To: DateOnly.FromDateTime(Opened.UtcDateTime.AddDays(1)));
        foreach (var facility in facilities)
        {
            var totals = await _store.TotalsAsync(ReportScope.Facility(facility), period.From, period.To, Ct);
            var expected = facility == "summit" ? 21L : 20L;
            Assert.Equal((expected, expected), (totals.CasesOpened, totals.Acknowledged));
        }

        var all = await _store.TotalsAsync(new ReportScope(null), period.From, period.To, Ct);
        Assert.Equal((101L, 101L), (all.CasesOpened, all.Acknowledged));
    }

    [Fact]
    public async Task An_event_whose_projection_fails_fails_alone_and_the_others_are_stored()
    {
        var good = Enumerable.Range(0, 20).Select(i => ProjectAsync($"g{i}", Open(i))).ToList();
        var bad = ProjectAsync("bad", _ => throw new InvalidOperationException("a merge that cannot be applied"));
        var more = Enumerable.Range(20, 20).Select(i => ProjectAsync($"g{i}", Open(i))).ToList();

        await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        await Task.WhenAll(good.Concat(more));
        Assert.Equal((40L, 0L, 0L, 40), await TotalsAsync());
    }
}
