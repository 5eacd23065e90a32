using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using PatientExperience.Reporting.Charts;
using SkiaSharp;

namespace PatientExperience.Reporting.Tests;

/// <summary>
/// The charts drawn from a known history (<see cref="MarchHistory"/>, and a weekly spike on ward 4): each parses as SVG or PNG,
/// carries its title and labelled axes, and draws one bar or point per value of the series it shows; scope and bad input.
/// </summary>
public sealed class ChartsTests : IAsyncLifetime
{
    private const string March = "from=2026-03-01&to=2026-03-31";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly ReportingApp _app = ReportingApp.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<XDocument> SvgAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        return XDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
    }

    private static IReadOnlyList<string> Texts(XDocument svg) => svg.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();

    /// <summary>Filled shapes of a series' colour: its bars (rect) or markers (ellipse), each legend entry adding one.</summary>
    private static int Shapes(XDocument svg, string element, string colour) =>
        svg.Descendants(Svg + element).Count(e => string.Equals((string?)e.Attribute("fill"), colour, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task Volumes_by_category_draw_one_bar_per_category_with_cases_under_a_title_naming_scope_and_period()
    {
        await _app.PublishAndAwaitAsync(MarchHistory.Events());
        using var analyst = _app.ClientFor("analyst", MarchHistory.Riverside);

        var svg = await SvgAsync(analyst, $"/api/v1/reports/charts/volumes-by-category?facilityId=riverside&{March}&format=svg");

        // March at Riverside: communication C1, C6; care C2; safety C3; no category C4 (Hillcrest's case and February's C5 are not in it).
        var texts = Texts(svg);
        Assert.Contains("Cases opened by category, riverside, 2026-03-01 to 2026-03-31", texts);
        Assert.Contains("Category", texts);
        Assert.Contains("Cases opened", texts);
        Assert.Subset(texts.ToHashSet(), new HashSet<string> { "communication", "care", "safety", "unspecified" });
        Assert.Equal(4, Shapes(svg, "rect", ReportCharts.Colours.Primary));
    }

    [Fact]
    public async Task Trend_charts_draw_a_point_per_period_of_the_series_and_parse_as_png_too()
    {
        await _app.PublishAndAwaitAsync(MarchHistory.Events());
        using var analyst = _app.ClientFor("analyst", MarchHistory.Riverside);
        var series = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/reports/kpis/series?facilityId=riverside&{March}&interval=week", Ct);
        int Present(params string[] path) => series.GetProperty("points").EnumerateArray()
            .Count(p => path.Aggregate((JsonElement?)p, (e, name) => e is { } x && x.TryGetProperty(name, out var v) ? v : null) is not null);

        // Acknowledged in the weeks of 2 March (C1, C2), 9 March (C3) and 30 March (C6): three medians, three 90th percentiles.
        var ack = await SvgAsync(analyst, $"/api/v1/reports/charts/time-to-acknowledge?facilityId=riverside&{March}&interval=week");
        Assert.Equal(3, Present("timeToAcknowledgeSeconds", "p50"));
        Assert.Contains("Time to acknowledge per week, riverside, 2026-03-01 to 2026-03-31", Texts(ack));
        Assert.Contains("Hours", Texts(ack));
        Assert.Equal(3 + 1, Shapes(ack, "ellipse", ReportCharts.Colours.Primary)); // + its legend entry
        Assert.Equal(3 + 1, Shapes(ack, "ellipse", ReportCharts.Colours.Secondary));

        var resolve = await SvgAsync(analyst, $"/api/v1/reports/charts/time-to-resolve?facilityId=riverside&{March}&interval=week");
        Assert.Equal(Present("timeToResolveSeconds", "p50") + 1, Shapes(resolve, "ellipse", ReportCharts.Colours.Primary));

        var sla = await SvgAsync(analyst, $"/api/v1/reports/charts/sla-compliance?facilityId=riverside&{March}&interval=week");
        Assert.Equal(Present("slaCompliance", "acknowledgedOnTime") + 1, Shapes(sla, "ellipse", ReportCharts.Colours.Primary));
        Assert.Equal(Present("slaCompliance", "responseOnTime") + 1, Shapes(sla, "ellipse", ReportCharts.Colours.Tertiary));
        Assert.Contains("On time (%)", Texts(sla));

        // Escalations: a department bar and an executive bar per period of the series (C2 reached the department, C3 the executive).
        var escalations = await SvgAsync(analyst, $"/api/v1/reports/charts/escalations-by-level?facilityId=riverside&{March}&interval=month");
        Assert.Equal(1 + 1, Shapes(escalations, "rect", ReportCharts.Colours.Primary));
        Assert.Equal(1 + 1, Shapes(escalations, "rect", ReportCharts.Colours.Secondary));
        Assert.Contains("Escalations by level per month, riverside, 2026-03-01 to 2026-03-31", Texts(escalations));

        // NPS: all eight answers on 20 March, one point, no legend.
        var nps = await SvgAsync(analyst, $"/api/v1/reports/charts/nps-trend?facilityId=riverside&{March}&interval=week");
        Assert.Equal(1, Shapes(nps, "ellipse", ReportCharts.Colours.Primary));

        using var png = await analyst.GetAsync($"/api/v1/reports/charts/nps-trend?facilityId=riverside&{March}&interval=week&format=png", Ct);
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        using var bitmap = SKBitmap.Decode(await png.Content.ReadAsByteArrayAsync(Ct));
        Assert.NotNull(bitmap);
        Assert.Equal((ReportCharts.Width, ReportCharts.Height), (bitmap.Width, bitmap.Height));
        var primary = SKColor.Parse(ReportCharts.Colours.Primary);
        Assert.True(bitmap.Pixels.Count(p => p == primary) > 20, "the NPS point is drawn in its colour");
    }

    [Fact]
    public async Task The_u_chart_of_a_unit_draws_each_week_its_limits_and_marks_the_signal()
    {
        await _app.PublishAndAwaitAsync(SignalsTests.SpikeInTheFifthWeek());
        using var analyst = _app.ClientFor("analyst", MarchHistory.Riverside);

        var svg = await SvgAsync(analyst, "/api/v1/reports/charts/u-chart?facilityId=riverside&unitId=ward-4&from=2026-03-02&to=2026-04-05&interval=week");

        // Five weeks with 20 discharges each: five rates; the fifth (200 per 1,000, above its limit of 174.16) is the signal.
        Assert.Equal(5 + 1, Shapes(svg, "ellipse", ReportCharts.Colours.Primary));
        Assert.Equal(1 + 1, Shapes(svg, "ellipse", ReportCharts.Colours.Signal));
        var texts = Texts(svg);
        Assert.Contains("Complaints per 1,000 discharges, unit ward-4 per week, riverside, 2026-03-02 to 2026-04-05", texts);
        Assert.Contains("Upper control limit", texts);
        Assert.Contains("Centre line", texts);
        Assert.Contains("2026-03-30", texts);

        using var png = await analyst.GetAsync("/api/v1/reports/charts/u-chart?facilityId=riverside&unitId=ward-4&from=2026-03-02&to=2026-04-05&format=png", Ct);
        using var bitmap = SKBitmap.Decode(await png.Content.ReadAsByteArrayAsync(Ct));
        Assert.True(bitmap.Pixels.Count(p => p == SKColor.Parse(ReportCharts.Colours.Signal)) > 20, "the signal is marked in red");
    }

    [Fact]
    public async Task Charts_keep_to_the_callers_facilities_and_refuse_unknown_names_and_bad_input_with_problems()
    {
        await _app.PublishAndAwaitAsync(MarchHistory.Events());
        using var hillcrest = _app.ClientFor("analyst", MarchHistory.Hillcrest);
        using var riverside = _app.ClientFor("analyst", MarchHistory.Riverside);
        using var advocate = _app.ClientFor("advocate", MarchHistory.Riverside);

        async Task Problem(HttpClient client, string path, HttpStatusCode status)
        {
            using var response = await client.GetAsync(path, Ct);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        await Problem(hillcrest, $"/api/v1/reports/charts/volumes-by-category?facilityId=riverside&{March}", HttpStatusCode.Forbidden);
        await Problem(advocate, $"/api/v1/reports/charts/volumes-by-category?facilityId=riverside&{March}", HttpStatusCode.Forbidden);
        await Problem(riverside, $"/api/v1/reports/charts/pie-of-everything?facilityId=riverside&{March}", HttpStatusCode.NotFound);
        await Problem(riverside, $"/api/v1/reports/charts/u-chart?facilityId=riverside&{March}", HttpStatusCode.BadRequest);
        await Problem(riverside, $"/api/v1/reports/charts/u-chart?facilityId=riverside&unitId=ward-4&{March}&interval=day", HttpStatusCode.BadRequest);
        await Problem(riverside, $"/api/v1/reports/charts/nps-trend?facilityId=riverside&{March}&format=gif", HttpStatusCode.BadRequest);
        await Problem(riverside, "/api/v1/reports/charts/nps-trend?facilityId=riverside&from=2026-04-01&to=2026-03-01", HttpStatusCode.BadRequest);

        // Without a facility: Hillcrest's own categories only (its one communication case).
        var own = await SvgAsync(hillcrest, $"/api/v1/reports/charts/volumes-by-category?{March}");
        Assert.Equal(1, Shapes(own, "rect", ReportCharts.Colours.Primary));
        Assert.DoesNotContain("care", Texts(own));
    }
}
