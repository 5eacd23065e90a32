using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Cases;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests;

/// <summary>
/// A case's timeline and notes do not grow its document without limit: the oldest entries move into the case's archive in
/// chunks, the case keeps reading and writing with ten thousand entries, and the whole timeline reads back in order.
/// </summary>
public sealed class CaseArchiveTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Stored<CaseFile>> CaseWithAsync(int entries, int notes)
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback(Samples.Riverside));
        var c = stored.Document;
        var protect = app.Services.GetRequiredService<CaseTextReader>().For(c);
        var at = c.OpenedAt;
        c.History.AddRange(Enumerable.Range(0, entries).Select(i => new CaseHistoryEntry(at.AddSeconds(i), "loader", "test-entry", $"entry {i}")));
        c.Notes.AddRange(Enumerable.Range(0, notes).Select(i => new CaseNote(Guid.NewGuid(), at.AddSeconds(i), "loader", protect.Protect($"note {i}"))));
        return await app.Cases.SaveAsync(c, stored.Version, [], at, Ct);
    }

    [Fact]
    public async Task A_case_with_ten_thousand_timeline_entries_keeps_a_small_document_and_reads_and_writes()
    {
        var saved = await CaseWithAsync(entries: 10_000, notes: 1_000);
        var c = saved.Document;
        var opening = c.TimelineLength - 10_000; // the entries the case was opened with come first

        Assert.InRange(c.History.Count, CaseStore.KeepInDocument, CaseStore.KeepInDocument + CaseStore.ChunkSize - 1);
        Assert.InRange(c.Notes.Count, CaseStore.KeepInDocument, CaseStore.KeepInDocument + CaseStore.ChunkSize - 1);
        Assert.Equal(0, c.ArchivedHistoryCount % CaseStore.ChunkSize);
        Assert.Equal(10_000 + opening, c.TimelineLength);
        var reread = (await app.Cases.GetAsync(c.Id, Ct))!;
        Assert.Equal(saved.Version, reread.Version);
        Assert.Equal(c.ArchivedHistoryCount, reread.Document.ArchivedHistoryCount);

        // Staff still act on it, with the version the detail view gives.
        var staff = app.ClientFor("patient-relations", Samples.Riverside);
        var detail = await staff.GetAsync($"/api/v1/cases/{c.Id}", Ct);
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        var view = await detail.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(c.ArchivedHistoryCount, view.GetProperty("earlierTimelineEntries").GetInt32());
        Assert.Equal(c.History.Count, view.GetProperty("history").GetArrayLength());
        Assert.Equal(c.ArchivedNoteCount, view.GetProperty("earlierNotes").GetInt32());
        using (var note = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{c.Id}/notes") { Content = JsonContent.Create(new { text = "the last note" }) })
        {
            note.Headers.IfMatch.Add(detail.Headers.ETag!);
            var added = await staff.SendAsync(note, Ct);
            Assert.True(added.IsSuccessStatusCode, $"{(int)added.StatusCode} {await added.Content.ReadAsStringAsync(Ct)}");
        }

        // The whole timeline, page by page, in order, nothing twice, the new entry last.
        var total = 0;
        var entries = new List<JsonElement>();
        for (var from = 0; ; from += CaseStore.MaxReadSize)
        {
            var page = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{c.Id}/timeline?from={from}&limit={CaseStore.MaxReadSize}", Ct);
            total = page.GetProperty("total").GetInt32();
            Assert.Equal(from, page.GetProperty("from").GetInt32());
            entries.AddRange(page.GetProperty("items").EnumerateArray());
            if (from + CaseStore.MaxReadSize >= total) break;
        }

        Assert.Equal(10_000 + opening + 1, total);
        Assert.Equal(total, entries.Count);
        var loaded = entries.Skip(opening).Take(10_000).Select(e => e.GetProperty("detail").GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => $"entry {i}"), loaded);
        Assert.Equal("note-added", entries[^1].GetProperty("action").GetString());

        // The notes, decrypted, across the archive and the document.
        var notes = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{c.Id}/notes?from=950&limit=100", Ct);
        Assert.Equal(1_001, notes.GetProperty("total").GetInt32());
        Assert.Equal(Enumerable.Range(950, 50).Select(i => $"note {i}").Append("the last note"),
            notes.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task A_stretch_across_a_chunk_boundary_and_the_document_reads_exactly_that_stretch()
    {
        var saved = await CaseWithAsync(entries: 450, notes: 0);
        var c = saved.Document;
        var opening = c.TimelineLength - 450;

        foreach (var (from, count) in new[] { (0, 1), (95, 10), (150, 200), (c.ArchivedHistoryCount - 3, 7), (c.TimelineLength - 1, 5), (c.TimelineLength, 5) })
        {
            var stretch = await app.Cases.TimelineAsync(c, from, count, Ct);
            var expected = Enumerable.Range(from, Math.Max(0, Math.Min(count, c.TimelineLength - from)))
                .Select(n => n < opening ? null : $"entry {n - opening}");
            Assert.Equal(expected, stretch.Select(e => e.Action == "test-entry" ? e.Detail : null));
        }
    }

    [Fact]
    public async Task A_chunk_left_by_a_save_that_crashed_before_its_case_write_is_neither_read_twice_nor_lost()
    {
        var saved = await CaseWithAsync(entries: 150, notes: 0);
        var c = saved.Document;
        Assert.Equal(0, c.ArchivedHistoryCount); // 150 + the opening entries: under the threshold

        // A save cut chunk 0 from this version and crashed before writing the case without those entries.
        var archive = app.Services.GetRequiredKeyedService<IDocumentStore>(CaseModule.ServiceName).Collection<CaseArchiveChunk>(CaseStore.ArchiveDefinition);
        var chunk = new CaseArchiveChunk(c.Id, CaseArchiveChunk.TimelineKind, 0) { History = c.History.Take(CaseStore.ChunkSize).ToList() };
        await archive.InsertAsync(chunk.DocumentId, chunk, [], Ct);

        static List<string?> Loaded(IEnumerable<CaseHistoryEntry> entries) => entries.Where(e => e.Action == "test-entry").Select(e => e.Detail).ToList();
        Assert.Equal(Enumerable.Range(0, 150).Select(i => $"entry {i}"), Loaded(await app.Cases.TimelineAsync(c, 0, CaseStore.MaxReadSize, Ct)));

        // The next save over the threshold finds the chunk already written and finishes the move.
        var current = (await app.Cases.GetAsync(c.Id, Ct))!;
        current.Document.History.AddRange(Enumerable.Range(150, 60).Select(i => new CaseHistoryEntry(c.OpenedAt, "loader", "test-entry", $"entry {i}")));
        var next = await app.Cases.SaveAsync(current.Document, current.Version, [], c.OpenedAt, Ct);

        Assert.Equal(CaseStore.ChunkSize, next.Document.ArchivedHistoryCount);
        Assert.Equal(Enumerable.Range(0, 210).Select(i => $"entry {i}"), Loaded(await app.Cases.TimelineAsync(next.Document, 0, CaseStore.MaxReadSize, Ct)));
    }

    [Fact]
    public async Task A_save_that_loses_to_a_concurrent_change_archives_nothing_and_changes_nothing()
    {
        var saved = await CaseWithAsync(entries: 195, notes: 0);
        var stale = (await app.Cases.GetAsync(saved.Document.Id, Ct))!;
        var winner = (await app.Cases.GetAsync(saved.Document.Id, Ct))!;
        winner.Document.History.Add(new CaseHistoryEntry(saved.Document.OpenedAt, "winner", "test-entry", "winner"));
        await app.Cases.SaveAsync(winner.Document, winner.Version, [], saved.Document.OpenedAt, Ct);

        stale.Document.History.AddRange(Enumerable.Range(0, 50).Select(i => new CaseHistoryEntry(saved.Document.OpenedAt, "loser", "test-entry", "loser")));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => app.Cases.SaveAsync(stale.Document, stale.Version, [], saved.Document.OpenedAt, Ct));

        var now = (await app.Cases.GetAsync(saved.Document.Id, Ct))!.Document;
        var all = await app.Cases.TimelineAsync(now, 0, CaseStore.MaxReadSize, Ct);
        Assert.DoesNotContain(all, e => e.Actor == "loser");
        Assert.Equal("winner", all[^1].Detail);
        Assert.Equal(now.TimelineLength, all.Count);
    }

    [Fact]
    public async Task Out_of_range_reads_are_400_and_another_facility_gets_404()
    {
        var saved = await CaseWithAsync(entries: 10, notes: 0);
        var staff = app.ClientFor("patient-relations", Samples.Riverside);

        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync($"/api/v1/cases/{saved.Document.Id}/timeline?from=-1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync($"/api/v1/cases/{saved.Document.Id}/timeline?limit={CaseStore.MaxReadSize + 1}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor("patient-relations", Samples.Mesa).GetAsync($"/api/v1/cases/{saved.Document.Id}/timeline", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("analyst", Samples.Riverside).GetAsync($"/api/v1/cases/{saved.Document.Id}/notes", Ct)).StatusCode);
    }
}
