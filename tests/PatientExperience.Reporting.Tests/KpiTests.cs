using System.Net.Http.Json;
using System.Text.Json;

namespace PatientExperience.Reporting.Tests;

/// <summary>
/// March 2026 at Riverside (<see cref="MarchHistory"/>) fed through the bus, and every KPI checked against the value worked
/// out by hand: with every event delivered twice, with events out of order, and after the read models are wiped and rebuilt
/// from a replay in reverse order.
/// </summary>
public sealed class KpiTests : IAsyncLifetime
{
    private const string March = "from=2026-03-01&to=2026-03-31";
    private readonly ReportingApp _app = ReportingApp.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<JsonElement> KpisAsync(string query)
    {
        using var analyst = _app.ClientFor("analyst", MarchHistory.Riverside);
        return await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/reports/kpis?{query}", Ct);
    }

    [Fact]
    public async Task Every_kpi_of_a_known_month_matches_its_hand_computed_value_even_with_every_event_delivered_twice()
    {
        var events = MarchHistory.Events();
        await _app.PublishAndAwaitAsync(events.Concat(events));

        var k = await KpisAsync($"facilityId=riverside&{March}");

        Assert.Equal("2026-03-01", k.GetProperty("from").GetString());
        Assert.Equal("2026-03-31", k.GetProperty("to").GetString());
        Assert.Equal(["riverside"], k.GetProperty("scope").GetProperty("facilities").EnumerateArray().Select(f => f.GetString()));
        var feedback = k.GetProperty("feedback");
        Assert.Equal((7, 2, 1, 1, 1, 1), (Int(feedback, "total"), Int(feedback, "complaints"), Int(feedback, "grievances"), Int(feedback, "compliments"),
            Int(feedback, "suggestions"), Int(feedback, "questions")));
        // C1, C2, C3, C4, C6 opened; C1, C2, C3, C6 first acknowledged (C5 in February); C1, C2, C3 resolved (C1 once, though twice).
        Assert.Equal((5, 4, 3), (Int(k, "casesOpened"), Int(k, "acknowledged"), Int(k, "casesResolved")));
        // Complaint cases C1, C3, C4, C6 and grievance C2 per 40 discharges.
        var rates = k.GetProperty("ratePer1000Discharges");
        Assert.Equal((100.0, 25.0, 40), (rates.GetProperty("complaints").GetDouble(), rates.GetProperty("grievances").GetDouble(), Int(rates, "discharges")));
        // Acknowledged after 1800, 3600, 3600, 14400 s: nearest-rank p50 3600, p90 14400. Resolved after 259200, 475200, 1900800 s.
        AssertSeconds(3600, k.GetProperty("timeToAcknowledgeSeconds").GetProperty("p50"));
        AssertSeconds(14400, k.GetProperty("timeToAcknowledgeSeconds").GetProperty("p90"));
        AssertSeconds(475200, k.GetProperty("timeToResolveSeconds").GetProperty("p50"));
        AssertSeconds(1900800, k.GetProperty("timeToResolveSeconds").GetProperty("p90"));
        // Acknowledged on time: C1, C3, C6 of 4 (C2 breached). Interim: C3's letter on time, C2's fell due unsent. Response: C1, C3 of 3.
        var sla = k.GetProperty("slaCompliance");
        Assert.Equal((0.75, 0.5, 0.6667), (sla.GetProperty("acknowledgedOnTime").GetDouble(), sla.GetProperty("interimNoticeOnTime").GetDouble(),
            sla.GetProperty("responseOnTime").GetDouble()));
        Assert.Equal((1, 1), (Int(k.GetProperty("escalations"), "department"), Int(k.GetProperty("escalations"), "executive")));
        // Open at midnight after 31 March: C6 (4 h old), C4 (3.5 days), C5 (39.6 days).
        Assert.Equal([("0-2d", 1L), ("3-7d", 1L), ("8-30d", 0L), ("over-30d", 1L)],
            k.GetProperty("backlog").EnumerateArray().Select(b => (b.GetProperty("ageBand").GetString(), b.GetProperty("open").GetInt64())));
        // 8 of 10 invitations answered; NPS (4 - 2) / 8 = 25; Var = (0.5 + 0.25 - 0.25^2) / 8 = 0.0859375, 1.96 sqrt(Var) = 57.46.
        var surveys = k.GetProperty("surveys");
        Assert.Equal(0.8, surveys.GetProperty("responseRate").GetDouble());
        Assert.Equal(25.0, surveys.GetProperty("nps").GetDouble());
        Assert.Equal([-32.5, 82.5], surveys.GetProperty("npsCi95").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(8, Int(surveys, "n"));
        Assert.True(surveys.GetProperty("smallSample").GetBoolean());
        // Service-recovery cases (source survey): C1 and C6 opened in March (C5 in February); C1 resolved (once, though twice).
        // The survey's LowSatisfactionDetected is not a case: the case opened for it is what counts.
        Assert.Equal((2, 1), (Int(k.GetProperty("serviceRecovery"), "opened"), Int(k.GetProperty("serviceRecovery"), "resolved")));
    }

    [Fact]
    public async Task Without_discharges_the_rates_are_absent_not_zero_and_a_department_counts_only_its_own_cases()
    {
        await _app.PublishAndAwaitAsync(MarchHistory.Events());

        var emergency = await KpisAsync($"facilityId=riverside&departmentId=emergency&{March}");

        Assert.Equal(3, Int(emergency, "casesOpened")); // C1, C2, C6
        var rates = emergency.GetProperty("ratePer1000Discharges");
        Assert.Equal(0, Int(rates, "discharges"));
        Assert.False(rates.TryGetProperty("complaints", out _));
        Assert.False(rates.TryGetProperty("grievances", out _));
        // No survey answers in the emergency department: NPS and its interval are absent too.
        Assert.False(emergency.GetProperty("surveys").TryGetProperty("nps", out _));
        Assert.Equal(0, Int(emergency.GetProperty("surveys"), "n"));

        var ward = await KpisAsync($"facilityId=riverside&departmentId=medicine&unitId=ward-4&{March}");
        Assert.Equal((2, 40), (Int(ward, "casesOpened"), Int(ward.GetProperty("ratePer1000Discharges"), "discharges"))); // C3, C4
    }

    [Fact]
    public async Task Wiping_the_read_models_and_replaying_the_events_in_reverse_order_gives_the_same_numbers()
    {
        var events = MarchHistory.Events();
        await _app.PublishAndAwaitAsync(events);
        var before = (await KpisAsync($"facilityId=riverside&{March}")).GetRawText();
        using var analyst = _app.ClientFor("analyst", MarchHistory.Riverside);
        var seriesPath = $"/api/v1/reports/kpis/series?facilityId=riverside&{March}&groupBy=unit";
        var series = await analyst.GetStringAsync(seriesPath, Ct);

        await _app.Store.ClearAsync(Ct);
        Assert.Equal(0, Int(await KpisAsync($"facilityId=riverside&{March}"), "casesOpened"));

        await _app.PublishAndAwaitAsync(events.Reverse());
        Assert.Equal(before, (await KpisAsync($"facilityId=riverside&{March}")).GetRawText());
        Assert.Equal(series, await analyst.GetStringAsync(seriesPath, Ct));
    }

    [Fact]
    public async Task A_series_groups_by_period_and_by_category_channel_severity_department_or_unit()
    {
        await _app.PublishAndAwaitAsync(MarchHistory.Events());
        using var analyst = _app.ClientFor("analyst", MarchHistory.Riverside);

        var byCategory = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/reports/kpis/series?facilityId=riverside&{March}&interval=month&groupBy=category", Ct);
        Assert.Equal("month", byCategory.GetProperty("interval").GetString());
        var opened = byCategory.GetProperty("points").EnumerateArray().Where(p => p.GetProperty("casesOpened").GetInt64() > 0)
            .ToDictionary(p => p.GetProperty("group").GetString()!, p => p.GetProperty("casesOpened").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["communication"] = 2, ["care"] = 1, ["safety"] = 1, ["unspecified"] = 1 }, opened);
        Assert.All(byCategory.GetProperty("points").EnumerateArray(), p => Assert.Equal("2026-03-01", p.GetProperty("period").GetString()));

        var weekly = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/reports/kpis/series?facilityId=riverside&{March}&interval=week", Ct);
        var weeks = weekly.GetProperty("points").EnumerateArray().ToDictionary(p => p.GetProperty("period").GetString()!, p => p.GetProperty("casesOpened").GetInt64());
        // ISO weeks from Monday: C1 (Mon 2), C2 (Tue 3) | C3 (Tue 10) | C4 (Sat 28, week of 23) | C6 (Tue 31, week of 30).
        Assert.Equal(2, weeks["2026-03-02"]);
        Assert.Equal(1, weeks["2026-03-09"]);
        Assert.Equal(1, weeks["2026-03-23"]);
        Assert.Equal(1, weeks["2026-03-30"]);

        var bySeverity = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/reports/kpis/series?facilityId=riverside&{March}&interval=month&groupBy=severity", Ct);
        var severities = bySeverity.GetProperty("points").EnumerateArray().Where(p => p.GetProperty("casesOpened").GetInt64() > 0)
            .ToDictionary(p => p.GetProperty("group").GetString()!, p => p.GetProperty("casesOpened").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["medium"] = 2, ["high"] = 1, ["critical"] = 1, ["low"] = 1 }, severities);
    }

    private static long Int(JsonElement e, string name) => e.GetProperty(name).GetInt64();

    /// <summary>Percentiles come from logarithmic buckets: within 2.5% of the exact nearest-rank value.</summary>
    private static void AssertSeconds(long exact, JsonElement reported) =>
        Assert.InRange(reported.GetInt64(), (long)Math.Floor(exact * 0.975), (long)Math.Ceiling(exact * 1.025));
}
