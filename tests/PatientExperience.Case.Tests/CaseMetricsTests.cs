using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Intake;

namespace PatientExperience.Case.Tests;

/// <summary>
/// The case service's business metrics for a real flow through the service (MassTransit test harness, the escalation saga on a
/// fake clock with a policy in seconds): a concern opened, escalated by a missed deadline, acknowledged and resolved. Recorded on
/// this host's meters only, so parallel tests at the same facility do not count here.
/// </summary>
public sealed class CaseMetricsTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly EscalationApp _app = new();

    private static readonly string[] Instruments =
        ["pxp.cases.opened", "pxp.cases.escalated", "pxp.cases.acknowledged", "pxp.cases.resolved", "pxp.case.sla_breaches", "pxp.case.submission_to_case", "pxp.cases.open"];

    private static readonly (string, string) AtRiverside = ("facility", Samples.Riverside);

    public async ValueTask InitializeAsync() => await _app.UsePolicyInSecondsAsync(Samples.Riverside);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>A staff action at the case's current version; again when the saga changed the case meanwhile (412), as staff would.</summary>
    private Task ActAsync(Guid id, string action) => Eventually.UntilAsync(async () =>
    {
        var current = (await _app.Cases.GetAsync(id, Ct))!;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{id}/{action}") { Content = JsonContent.Create(new { }) };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{current.Version}\"");
        var response = await _app.ClientFor("patient-relations", Samples.Riverside).SendAsync(request, Ct);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed) return false;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return true;
    }, $"the {action} to apply");

    [Fact]
    public async Task A_concern_opened_escalated_acknowledged_and_resolved_is_counted_with_its_facility_level_severity_and_clock()
    {
        using var metrics = new RecordedMetrics(_app.Services.GetRequiredService<IMeterFactory>(), Instruments);
        var complaint = Samples.Feedback(channel: "phone") with { ResponseRequested = false, SubmittedAt = _app.Clock.GetUtcNow().AddSeconds(-42) };

        var id = (await _app.OpenAsync(complaint)).Document.Id;
        await _app.AdvanceUntilAsync(TimeSpan.FromSeconds(5), id, c => c.EscalationLevel.ToWire() == "department", "escalation to the department level");

        await Eventually.UntilAsync(() => metrics.Sum("pxp.cases.escalated", AtRiverside, ("level", "department"), ("reason", "deadline-missed")) == 1,
            "the escalation to the department level to be counted");
        Assert.Equal(1, metrics.Sum("pxp.cases.opened", AtRiverside, ("severity", "medium"), ("source", "feedback")));
        Assert.Equal(1, metrics.Sum("pxp.cases.escalated", AtRiverside, ("level", "unit"), ("reason", "opened")));
        Assert.Equal(2, metrics.Sum("pxp.cases.escalated"));
        var breach = Assert.Single(metrics.Of("pxp.case.sla_breaches"));
        Assert.Equal((Samples.Riverside, "acknowledge", "unit", "medium"), (breach.Tag("facility"), breach.Tag("clock"), breach.Tag("level"), breach.Tag("severity")));
        var latency = Assert.Single(metrics.Of("pxp.case.submission_to_case"));
        Assert.Equal((42d, Samples.Riverside, "phone"), (latency.Value, latency.Tag("facility"), latency.Tag("channel")));
        await Eventually.UntilAsync(() => metrics.Observe("pxp.cases.open", AtRiverside).Any(m => m.Tag("level") == "department" && m.Tag("severity") == "medium" && m.Value == 1),
            "the open cases gauge to show the case at the department level");

        await ActAsync(id, "acknowledge");
        await ActAsync(id, "resolve");

        await Eventually.UntilAsync(() => metrics.Sum("pxp.cases.resolved", AtRiverside, ("severity", "medium")) == 1, "the resolution to be counted");
        Assert.Equal(1, metrics.Sum("pxp.cases.acknowledged", AtRiverside, ("level", "department")));
        await Eventually.UntilAsync(() => metrics.Observe("pxp.cases.open", AtRiverside).Sum(m => m.Value) == 0, "the open cases gauge to drop the resolved case");
        // Vocabulary and facility ids only: nothing of the patient, the text or the case itself in any attribute.
        Assert.All(metrics.All, m => Assert.Empty(m.Tags.Keys.Except(["facility", "level", "severity", "clock", "reason", "source", "channel"])));
    }
    [Fact]
    public void Submission_to_case_is_bucketed_in_seconds_from_milliseconds_to_minutes_not_in_the_sdks_millisecond_defaults()
    {
        Histogram<double>? published = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "pxp.case.submission_to_case" && instrument is Histogram<double> h) published = h;
            },
        };
        listener.Start();
        _ = new PatientExperience.Case.CaseMetrics(_app.Services.GetRequiredService<IMeterFactory>());

        Assert.NotNull(published);
        Assert.Equal("s", published.Unit);
        var buckets = published.Advice?.HistogramBucketBoundaries;
        Assert.NotNull(buckets);
        // A case opened within tens of milliseconds and one that waited half a minute land in different buckets.
        Assert.Contains(buckets, b => b < 0.05);
        Assert.Contains(buckets, b => b is > 1 and < 5);
        Assert.Contains(buckets, b => b >= 60);
        Assert.Equal(buckets.Order(), buckets);
    }
}
