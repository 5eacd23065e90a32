using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PatientExperience.Reporting.Kpis;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Reporting.Charts;

/// <summary>
/// <c>/api/v1/reports/charts/{name}</c>: the main series drawn as SVG or PNG, from the same read model and with the same
/// scope rules as the JSON reports (another facility: 403; an unknown chart: 404).
/// </summary>
public static class ChartsApi
{
    public static RouteGroupBuilder MapChartsApi(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Charts").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        reports.MapGet("/charts/{name}", GetChartAsync).WithName("GetChart")
            .ProducesFile("image/svg+xml", "image/png")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A chart as SVG (default) or PNG: volumes-by-category, time-to-acknowledge, time-to-resolve, sla-compliance, escalations-by-level, nps-trend, u-chart (needs facilityId and unitId).");
        return api;
    }

    internal static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetChartAsync(
        string name, string? facilityId, string? departmentId, string? unitId, string? from, string? to, string? interval, string? format,
        ClaimsPrincipal user, ReportCharts charts, IOptions<ReportingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!ReportParameters.MayRead(user)) return ProblemResults.Forbidden(ReportParameters.NotAReaderDetail);
        if (!ReportCharts.Names.TryGetValue(name, out var chart))
            return TypedResults.Problem($"Charts: {string.Join(", ", ReportCharts.Names.Keys)}.", statusCode: StatusCodes.Status404NotFound, title: "No such chart.");

        var errors = new Dictionary<string, string[]>();
        var scope = ReportParameters.Scope(user, facilityId, departmentId, unitId, errors, out var forbidden);
        var period = ReportParameters.Period(from, to, clock.GetUtcNow(), options.Value.MaxPeriodDays, errors);
        var every = chart == ReportChart.UChart ? UChartInterval(interval, errors) : ReportParameters.Interval(interval, errors);
        var encoding = Format(format, errors);
        if (chart == ReportChart.UChart)
        {
            if (string.IsNullOrEmpty(facilityId)) errors.TryAdd("facilityId", ["The u-chart is drawn for one unit of one facility: give facilityId and unitId."]);
            if (string.IsNullOrEmpty(unitId)) errors.TryAdd("unitId", ["The u-chart is drawn for one unit: give unitId."]);
        }

        if (forbidden) return ProblemResults.Forbidden(ReportParameters.OutOfScopeDetail);
        if (errors.Count > 0 || scope is null || period is null || every is null || encoding is null) return ProblemResults.Validation(errors);

        var plot = await charts.BuildAsync(chart, scope, period, every.Value, ct);
        var image = ReportCharts.Render(plot, encoding.Value);
        return TypedResults.File(image.Content, image.ContentType);
    }

    private static ChartFormat? Format(string? value, IDictionary<string, string[]> errors)
    {
        switch (value)
        {
            case null or "" or "svg": return ChartFormat.Svg;
            case "png": return ChartFormat.Png;
            default: errors["format"] = ["Must be one of: svg, png."]; return null;
        }
    }

    private static SeriesInterval? UChartInterval(string? value, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value) || value == "week") return SeriesInterval.Week;
        if (value == "month") return SeriesInterval.Month;
        errors["interval"] = ["The u-chart's interval must be one of: week, month."];
        return null;
    }
}
