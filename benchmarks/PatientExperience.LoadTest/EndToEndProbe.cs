using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PatientExperience.LoadTest;

/// <summary>
/// Submission to case, from the servers' own clocks after the run: for each sampled submission, intake's <c>submittedAt</c>
/// (GET /api/v1/feedback/{id}, which also names its case once opened) and the case's <c>openedAt</c> (GET /api/v1/cases/{id}).
/// Nothing is polled during the run, so reading does not load the platform while it is measured.
/// </summary>
internal static class EndToEndProbe
{
    /// <summary>
    /// Which submissions to read: all when there are at most <paramref name="max"/>, otherwise evenly spaced over the run, always
    /// including the last one (the end of a run is where a backlog shows).
    /// </summary>
    public static IReadOnlyList<T> Sample<T>(IReadOnlyList<T> items, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        if (items.Count <= max) return items;
        var step = (items.Count - 1) / (double)(max - 1);
        return [.. Enumerable.Range(0, max).Select(i => items[(int)Math.Round(i * step)]).Distinct()];
    }

    public static async Task<EndToEndResult> MeasureAsync(HttpClient staff, IReadOnlyList<Guid> submissions, long totalSubmissions, TimeSpan waitForCases, CancellationToken ct)
    {
        var found = new ConcurrentDictionary<Guid, (DateTimeOffset SubmittedAt, DateTimeOffset OpenedAt)>();
        var deadline = DateTimeOffset.UtcNow + waitForCases;
        var remaining = submissions.ToList();
        while (remaining.Count > 0)
        {
            await Parallel.ForEachAsync(remaining, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (id, token) =>
            {
                var view = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/feedback/{id}", token);
                if (!view.TryGetProperty("caseId", out var caseId) || caseId.ValueKind != JsonValueKind.String) return;
                using var response = await staff.GetAsync($"/api/v1/cases/{caseId.GetGuid()}", token);
                if (response.StatusCode != HttpStatusCode.OK) return;
                var theCase = await response.Content.ReadFromJsonAsync<JsonElement>(token);
                found[id] = (view.GetProperty("submittedAt").GetDateTimeOffset(), theCase.GetProperty("openedAt").GetDateTimeOffset());
            });
            remaining = [.. remaining.Where(id => !found.ContainsKey(id))];
            if (remaining.Count == 0 || DateTimeOffset.UtcNow > deadline) break;
            await Task.Delay(TimeSpan.FromSeconds(1), ct); // the cases are still being opened: read the rest again
        }

        return Summarise([.. found.Values], remaining.Count, totalSubmissions);
    }

    /// <summary>
    /// Percentiles of the sampled pairs; cases a second is <paramref name="totalSubmissions"/> over the time from the first
    /// sampled submission to the last sampled case (the sample holds the run's first and last submissions).
    /// </summary>
    public static EndToEndResult Summarise(IReadOnlyList<(DateTimeOffset SubmittedAt, DateTimeOffset OpenedAt)> pairs, int missing, long totalSubmissions)
    {
        var recorder = new LatencyRecorder();
        foreach (var (submitted, opened) in pairs) recorder.RecordValue(opened - submitted);
        if (pairs.Count == 0) return new EndToEndResult(0, missing, LatencySummary.Empty, 0, 0, []);
        var first = pairs.Min(p => p.SubmittedAt);
        var span = pairs.Max(p => p.OpenedAt) - first;
        var samples = pairs.OrderBy(p => p.SubmittedAt)
            .Select(p => new EndToEndSample(Math.Round((p.SubmittedAt - first).TotalSeconds, 3), Math.Round((p.OpenedAt - p.SubmittedAt).TotalMilliseconds, 3)))
            .ToList();
        return new EndToEndResult(pairs.Count, missing, recorder.Summarise(), span > TimeSpan.Zero ? Math.Round(totalSubmissions / span.TotalSeconds, 1) : 0,
            EndToEndResult.Trend(samples), samples);
    }
}
