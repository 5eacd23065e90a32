using System.Net;
using System.Text;
using PatientExperience.Client;

namespace PatientExperience.Web.Tests;

/// <summary>The dashboard: KPIs and a trend for the chosen facility and period, the reporting service's charts and CSV exports through the console.</summary>
public sealed class ConsoleDashboardTests : IDisposable
{
    private readonly WebApp _app = new();

    public void Dispose() => _app.Dispose();

    private void AnswerReports()
    {
        _app.Gateway.Answer("GET", "/api/v1/facilities", HttpStatusCode.OK, ConsoleUser.Json(new[] { ConsoleEscalationTests.Riverside }));
        _app.Gateway.Answer("GET", "/api/v1/reports/kpis", HttpStatusCode.OK, ConsoleUser.Json(new KpiReport
        {
            From = DateTimeOffset.Parse("2026-11-01T00:00:00Z"), To = DateTimeOffset.Parse("2026-11-30T00:00:00Z"),
            Scope = new KpiScope { Facilities = ["rg"] },
            Feedback = new FeedbackCounts { Total = 42, Complaints = 30, Grievances = 9, Compliments = 3 },
            CasesOpened = 39, Acknowledged = 35, CasesResolved = 20,
            RatePer1000Discharges = new DischargeRates { Complaints = 12.5, Discharges = 2400 },
            TimeToAcknowledgeSeconds = new DurationPercentiles { P50 = 5400, P90 = 90_000 },
            TimeToResolveSeconds = new DurationPercentiles(),
            SlaCompliance = new SlaCompliance { AcknowledgedOnTime = 0.875 },
            Escalations = new EscalationCounts { Department = 4, Executive = 1 },
            Backlog = [new BacklogBand { AgeBand = "0-2d", Open = 7 }],
            Surveys = new SurveyKpis { N = 12, SmallSample = true, Nps = 25 },
            ServiceRecovery = new ServiceRecoveryCounts(),
        }));
        _app.Gateway.Answer("GET", "/api/v1/reports/kpis/series", HttpStatusCode.OK, ConsoleUser.Json(new KpiSeries
        {
            From = DateTimeOffset.Parse("2026-11-01T00:00:00Z"), To = DateTimeOffset.Parse("2026-11-30T00:00:00Z"), Interval = "month",
            Points = [new SeriesPoint { Period = DateTimeOffset.Parse("2026-11-01T00:00:00Z"), CasesOpened = 39, Complaints = 30, Grievances = 9, Resolved = 20,
                SlaCompliance = new SlaCompliance { AcknowledgedOnTime = 0.875 }, Escalations = new EscalationCounts { Department = 4, Executive = 1 },
                TimeToAcknowledgeSeconds = new DurationPercentiles(), TimeToResolveSeconds = new DurationPercentiles() }],
        }));
    }

    [Fact]
    public async Task The_chosen_facility_and_period_reach_the_api_and_the_kpis_trend_charts_and_exports_keep_them()
    {
        AnswerReports();
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "analyst");

        var page = System.Text.RegularExpressions.Regex.Replace(
            WebUtility.HtmlDecode(await user.GetPageAsync("/console/dashboard?facility=rg&from=2026-11-01&to=2026-11-30&interval=month")), @">\s+<", "><");

        var kpis = Assert.Single(_app.Gateway.To("GET", "/api/v1/reports/kpis"));
        Assert.Contains("facilityId=rg", kpis.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("from=2026-11-01", kpis.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("to=2026-11-30", kpis.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal($"Bearer {user.AccessToken}", kpis.Headers["Authorization"]);
        Assert.Contains("interval=month", Assert.Single(_app.Gateway.To("GET", "/api/v1/reports/kpis/series")).PathAndQuery, StringComparison.Ordinal);

        Assert.Contains("Riverside General, 1 Nov 2026 to 30 Nov 2026 (UTC)", page, StringComparison.Ordinal);
        Assert.Contains("<dd data-kpi=\"cases-opened\">39</dd>", page, StringComparison.Ordinal);
        Assert.Contains("median 1 h 30 m, 90th percentile 1 d 1 h", page, StringComparison.Ordinal);
        Assert.Contains("<dd>88 %</dd>", page, StringComparison.Ordinal); // acknowledged on time
        Assert.Contains("<dd>not enough data</dd>", page, StringComparison.Ordinal); // a value the service could not compute is not 0
        Assert.Contains("12 answers, a small sample", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">0-2 days</th><td>7</td>", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">1 Nov 2026</th><td>39</td><td>30</td><td>9</td><td>20</td><td>88 %</td><td>5</td>", page, StringComparison.Ordinal);
        Assert.Contains("src=\"/console/dashboard/charts/volumes-by-category?facility=rg&from=2026-11-01&to=2026-11-30&interval=month\"", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/dashboard/export/kpis.csv?facility=rg&from=2026-11-01&to=2026-11-30&interval=month\"", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/dashboard/export/trend.csv?facility=rg&from=2026-11-01&to=2026-11-30&interval=month\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_export_streams_the_gateways_csv_answer_fetched_with_the_persons_token()
    {
        _app.Gateway.Answer("GET", "/api/v1/reports/kpis", (request, _) =>
            request.Headers.Accept.ToString() == "text/csv"
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("facility,casesOpened\nrg,39\n", Encoding.UTF8, "text/csv") }
                : FakeGateway.Json(HttpStatusCode.NotAcceptable, null));
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "analyst");

        using var response = await user.Browser.GetAsync("/console/dashboard/export/kpis.csv?facility=rg&from=2026-11-01&to=2026-11-30", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("kpis-rg-2026-11-01-2026-11-30.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("facility,casesOpened\nrg,39\n", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var call = Assert.Single(_app.Gateway.To("GET", "/api/v1/reports/kpis"));
        Assert.Equal($"Bearer {user.AccessToken}", call.Headers["Authorization"]);
        Assert.Contains("facilityId=rg", call.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chart_is_the_reporting_services_svg_and_an_unknown_chart_or_a_refusal_is_not_passed_through()
    {
        _app.Gateway.Answer("GET", "/api/v1/reports/charts/sla-compliance", (_, _) =>
            new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", Encoding.UTF8, "image/svg+xml") });
        _app.Gateway.Answer("GET", "/api/v1/reports/charts/nps-trend", HttpStatusCode.Forbidden, """{"title":"Forbidden","status":403,"detail":"secret detail"}""", "application/problem+json");
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "analyst");
        var ct = TestContext.Current.CancellationToken;

        using var chart = await user.Browser.GetAsync("/console/dashboard/charts/sla-compliance?facility=rg&interval=week", ct);
        using var unknown = await user.Browser.GetAsync("/console/dashboard/charts/patients-by-name", ct);
        using var refused = await user.Browser.GetAsync("/console/dashboard/charts/nps-trend", ct);

        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.Equal("image/svg+xml", chart.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", chart.Headers.CacheControl?.ToString());
        Assert.Contains("format=svg", Assert.Single(_app.Gateway.To("GET", "/api/v1/reports/charts/sla-compliance")).PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty(_app.Gateway.To("GET", "/api/v1/reports/charts/patients-by-name"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("secret detail", await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_period_that_is_not_a_pair_of_dates_is_explained_and_nothing_is_asked()
    {
        _app.Gateway.Answer("GET", "/api/v1/facilities", HttpStatusCode.OK, "[]");
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "analyst");

        var page = await user.GetPageAsync("/console/dashboard?from=2026-12-01&to=2026-11-01");

        Assert.Contains("The start date is after the end date.", page, StringComparison.Ordinal);
        Assert.Empty(_app.Gateway.To("GET", "/api/v1/reports/kpis"));
    }
}
