using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Reporting;
using PatientExperience.Reporting.Signals;
using PatientExperience.Testing;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Reporting.Tests;

/// <summary>Signals and rising categories over events fed through the bus, checked against hand-computed values, and their scope.</summary>
public sealed class SignalsTests : IAsyncLifetime
{
    private const string FiveWeeks = "from=2026-03-02&to=2026-04-05";
    private readonly ReportingApp _app = ReportingApp.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static DateTimeOffset Monday(int week) => new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero).AddDays(7 * week);

    /// <summary>
    /// Ward 4 at Riverside: 20 discharges in each of the 5 ISO weeks from 2 March; no complaint for 4 weeks, then 3 complaint
    /// cases and a grievance in the week of 30 March (and a compliment-only unit, which has no discharges and is skipped).
    /// </summary>
    internal static IEnumerable<object> SpikeInTheFifthWeek()
    {
        for (var week = 0; week < 5; week++)
            for (var i = 0; i < 20; i++)
                yield return new PatientDischarged
                {
                    DischargeId = Guid.NewGuid(), EncounterId = Guid.NewGuid().ToString("N"), PatientReference = "pr", FacilityId = MarchHistory.Riverside,
                    DepartmentId = "medicine", UnitId = "ward-4", DischargedAt = Monday(week).AddHours(i), Deceased = false, AgeBand = "50-64",
                    NoPublicity = false, ReceivedAt = Monday(week).AddHours(i),
                };
        for (var i = 0; i < 4; i++)
            yield return Opened("medicine", "ward-4", i == 3 ? CaseType.Grievance : CaseType.Complaint, Monday(4).AddHours(i));
        yield return Opened("emergency", "ed-adult", CaseType.Complaint, Monday(4));
    }

    private static CaseOpened Opened(string department, string unit, CaseType type, DateTimeOffset at) => new()
    {
        CaseId = Guid.NewGuid(), CaseNumber = "C-0001", SubmissionId = Guid.NewGuid(), FacilityId = MarchHistory.Riverside, DepartmentId = department, UnitId = unit,
        Channel = FeedbackChannel.Web, Kind = type == CaseType.Grievance ? FeedbackKind.Grievance : FeedbackKind.Complaint, Status = CaseStatus.New,
        OpenedAt = at, Classification = type, Severity = Severity.Medium, Category = "care", SlaPolicyVersion = 1,
    };

    [Fact]
    public async Task A_weekly_spike_in_complaints_per_1000_discharges_is_listed_as_a_point_above_the_upper_limit()
    {
        await _app.PublishAndAwaitAsync(SpikeInTheFifthWeek());
        using var analyst = _app.ClientFor("analyst", MarchHistory.Riverside);

        var list = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/reports/signals?facilityId=riverside&{FiveWeeks}&interval=week", Ct);

        // u-bar = 4 / 100 -> 40; n = 20: 0.04 + 3 sqrt(0.04 / 20) = 0.174164 -> 174.16; week of 30 March: 4 / 20 -> 200.
        Assert.Equal("week", list.GetProperty("interval").GetString());
        var signal = Assert.Single(list.GetProperty("signals").EnumerateArray());
        Assert.Equal(("riverside", "medicine", "ward-4", "complaints-per-1000-discharges", "above-upper-limit", "2026-03-30"),
            (signal.GetProperty("facilityId").GetString(), signal.GetProperty("departmentId").GetString(), signal.GetProperty("unitId").GetString(),
                signal.GetProperty("measure").GetString(), signal.GetProperty("rule").GetString(), signal.GetProperty("period").GetString()));
        Assert.Equal((200.0, 40.0, 174.16), (signal.GetProperty("value").GetDouble(), signal.GetProperty("centre").GetDouble(), signal.GetProperty("upperLimit").GetDouble()));

        // Per month every discharge and complaint falls in March: one point, on its own centre line, so nothing fires.
        var monthly = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/reports/signals?facilityId=riverside&{FiveWeeks}&interval=month", Ct);
        Assert.Empty(monthly.GetProperty("signals").EnumerateArray());
    }

    [Fact]
    public async Task A_signal_is_published_once_as_ReportingSignalRaised_however_often_it_is_computed()
    {
        await _app.PublishAndAwaitAsync(SpikeInTheFifthWeek());
        using var analyst = _app.ClientFor("analyst", MarchHistory.Riverside);

        await analyst.GetStringAsync($"/api/v1/reports/signals?facilityId=riverside&{FiveWeeks}", Ct);
        var expected = ReportingSignalRaised.IdOf("riverside", "ward-4", SignalsQuery.ComplaintRateMeasure, SignalRule.AboveUpperLimit, "week", new DateOnly(2026, 3, 30));
        await Eventually.UntilAsync(() => Task.FromResult(Published().Any()), TimeSpan.FromSeconds(30), "the signal to be published", Ct);
        var raised = Assert.Single(Published());
        Assert.Equal((expected, "riverside", "ward-4", SignalRule.AboveUpperLimit, new DateOnly(2026, 3, 30), 200.0, 40.0, 174.16),
            (raised.SignalId, raised.FacilityId, raised.UnitId, raised.Rule, raised.Period, raised.Value, raised.Centre, raised.UpperLimit));

        // Computed again (over the same or another period that holds it, or concurrently): recorded already, nothing is raised.
        await analyst.GetStringAsync($"/api/v1/reports/signals?facilityId=riverside&from=2026-03-09&to=2026-04-05", Ct);
        var query = _app.Services.GetRequiredService<SignalsQuery>();
        var ledger = _app.Services.GetRequiredService<SignalLedger>();
        var list = await query.SignalsAsync(Kpis.ReportScope.Facility("riverside"), new Kpis.ReportPeriod(new(2026, 3, 2), new(2026, 4, 5)), Kpis.SeriesInterval.Week, Ct);
        Assert.Single(list.Signals);
        var again = await Task.WhenAll(ledger.RaiseAsync(list, Ct), ledger.RaiseAsync(list, Ct));
        Assert.Equal(new[] { 0, 0 }, again);
        Assert.Single(Published());
    }

    [Fact]
    public async Task The_periodic_evaluation_raises_a_signal_nobody_asked_for_once()
    {
        await using var app = ReportingApp.Create(settings: new Dictionary<string, string?> { ["Reporting:Signals:EvaluationInterval"] = "00:10:00" });
        await app.PublishAndAwaitAsync(SpikeInTheFifthWeek());
        IEnumerable<ReportingSignalRaised> Raised() =>
            app.Harness.Published.Select<ReportingSignalRaised>(new CancellationToken(canceled: true)).Select(m => m.Context.Message);

        // No request for signals: the evaluation finds the spike when its interval passes (26 weeks up to 1 April).
        await Eventually.UntilAsync(() =>
        {
            app.Clock.Advance(TimeSpan.FromMinutes(10));
            return Task.FromResult(Raised().Any());
        }, TimeSpan.FromSeconds(60), "the evaluation to raise the signal", Ct);
        var expected = ReportingSignalRaised.IdOf("riverside", "ward-4", SignalsQuery.ComplaintRateMeasure, SignalRule.AboveUpperLimit, "week", new DateOnly(2026, 3, 30));
        Assert.Equal(expected, Assert.Single(Raised()).SignalId);

        // Evaluated again and again, and asked for: still raised once.
        var evaluation = app.Services.GetRequiredService<SignalEvaluation>();
        Assert.Equal(0, await evaluation.EvaluateAsync(Ct));
        for (var i = 0; i < 3; i++) app.Clock.Advance(TimeSpan.FromMinutes(10));
        using var analyst = app.ClientFor("analyst", MarchHistory.Riverside);
        await analyst.GetStringAsync($"/api/v1/reports/signals?facilityId=riverside&{FiveWeeks}", Ct);
        Assert.Equal(0, await evaluation.EvaluateAsync(Ct));
        Assert.Single(Raised());
    }

    [Theory]
    [InlineData("Reporting:Signals:EvaluationInterval", "00:00:01")]
    [InlineData("Reporting:Signals:Weeks", "2")]
    [InlineData("Reporting:GovernancePacks:TimeZones:riverside", "Mars/Olympus_Mons")]
    public void A_bad_evaluation_or_schedule_setting_stops_the_service_at_start_up(string key, string value)
    {
        var failure = Assert.ThrowsAny<Exception>(() => ReportingApp.Create(settings: new Dictionary<string, string?> { [key] = value }).Dispose());
        Assert.Contains(key.Split(':')[^1] == "riverside" ? "TimeZones:riverside" : key.Split(':')[^1], failure.ToString(), StringComparison.Ordinal);
    }

    private IEnumerable<ReportingSignalRaised> Published() =>
        _app.Harness.Published.Select<ReportingSignalRaised>(new CancellationToken(canceled: true)).Select(m => m.Context.Message);

    [Fact]
    public async Task Signals_and_rising_categories_are_scoped_to_the_callers_facilities_and_bad_input_is_a_problem()
    {
        await _app.PublishAndAwaitAsync(SpikeInTheFifthWeek());

        using var hillcrest = _app.ClientFor("analyst", MarchHistory.Hillcrest);
        foreach (var path in new[] { $"/api/v1/reports/signals?facilityId=riverside&{FiveWeeks}", $"/api/v1/reports/rising-categories?facilityId=riverside&{FiveWeeks}" })
        {
            using var forbidden = await hillcrest.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
        }

        // Without a facility: every facility in the token, which for Hillcrest holds no signal and no category.
        var own = await hillcrest.GetFromJsonAsync<JsonElement>($"/api/v1/reports/signals?{FiveWeeks}", Ct);
        Assert.Empty(own.GetProperty("signals").EnumerateArray());
        var categories = await hillcrest.GetFromJsonAsync<JsonElement>($"/api/v1/reports/rising-categories?{FiveWeeks}", Ct);
        Assert.Empty(categories.GetProperty("categories").EnumerateArray());

        using var riverside = _app.ClientFor("analyst", MarchHistory.Riverside);
        using var bad = await riverside.GetAsync($"/api/v1/reports/signals?facilityId=riverside&{FiveWeeks}&interval=day", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        using var advocate = _app.ClientFor("advocate", MarchHistory.Riverside);
        using var notAReader = await advocate.GetAsync($"/api/v1/reports/signals?facilityId=riverside&{FiveWeeks}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, notAReader.StatusCode);
    }

    [Fact]
    public async Task Rising_categories_compare_complaint_cases_with_the_previous_period_of_equal_length()
    {
        await _app.PublishAndAwaitAsync(MarchHistory.Events());
        using var analyst = _app.ClientFor("analyst", MarchHistory.Riverside);

        var rising = await analyst.GetFromJsonAsync<JsonElement>("/api/v1/reports/rising-categories?facilityId=riverside&from=2026-03-01&to=2026-03-31", Ct);

        // Previous 31 days: 29 Jan - 28 Feb. March: communication C1, C6; care C2; safety C3; none C4. February: care C5.
        // Care is level (1 vs 1); Hillcrest's communication case is not Riverside's.
        Assert.Equal(("2026-01-29", "2026-02-28"), (rising.GetProperty("previousFrom").GetString(), rising.GetProperty("previousTo").GetString()));
        Assert.Equal([("communication", 2L, 0L, 2L), ("safety", 1L, 0L, 1L), ("unspecified", 1L, 0L, 1L)],
            rising.GetProperty("categories").EnumerateArray().Select(c => (c.GetProperty("category").GetString(), c.GetProperty("current").GetInt64(),
                c.GetProperty("previous").GetInt64(), c.GetProperty("change").GetInt64())));
    }
}
