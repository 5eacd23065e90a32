using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Reporting.Kpis;

/// <summary>
/// <c>/api/v1/reports</c>: KPIs, series and the cross-facility comparison, as JSON or, with <c>Accept: text/csv</c>, as CSV with
/// small cells suppressed. Aggregates only; each scoped to the facilities in the caller's token (another facility: 403).
/// </summary>
public static class ReportsApi
{
    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Reports").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        reports.MapGet("/kpis", GetKpisAsync).WithName("GetKpis")
            .Produces<KpiReport>(StatusCodes.Status200OK, "application/json", ReportCsv.ContentType).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("KPIs of a facility (or every facility in the caller's scope), department or unit over [from, to] (whole UTC days).");
        reports.MapGet("/kpis/series", GetSeriesAsync).WithName("GetKpiSeries")
            .Produces<KpiSeries>(StatusCodes.Status200OK, "application/json", ReportCsv.ContentType).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("KPIs per day, ISO week or month, optionally per department, unit, category, channel or severity.");
        reports.MapGet("/comparison", GetComparisonAsync).WithName("GetFacilityComparison")
            .Produces<FacilityComparison>(StatusCodes.Status200OK, "application/json", ReportCsv.ContentType).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Every facility's KPIs side by side over [from, to] (health-system analysts: a token for every facility).");
        return api;
    }

    internal static async Task<Results<Ok<KpiReport>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> GetKpisAsync(
        string? facilityId, string? departmentId, string? unitId, string? from, string? to,
        HttpRequest request, ClaimsPrincipal user, KpiQuery query, IOptions<ReportingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!ReportParameters.MayRead(user)) return NotAReader();
        var errors = new Dictionary<string, string[]>();
        var scope = ReportParameters.Scope(user, facilityId, departmentId, unitId, errors, out var forbidden);
        var period = ReportParameters.Period(from, to, clock.GetUtcNow(), options.Value.MaxPeriodDays, errors);
        if (forbidden) return OutOfScope();
        if (scope is null || period is null) return ProblemResults.Validation(errors);

        var report = await query.KpisAsync(scope, period, ct);
        return WantsCsv(request) ? Csv(ReportCsv.Kpis(report, options.Value.SmallCellThreshold)) : TypedResults.Ok(report);
    }

    internal static async Task<Results<Ok<KpiSeries>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> GetSeriesAsync(
        string? facilityId, string? departmentId, string? unitId, string? from, string? to, string? interval, string? groupBy,
        HttpRequest request, ClaimsPrincipal user, KpiQuery query, IOptions<ReportingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!ReportParameters.MayRead(user)) return NotAReader();
        var errors = new Dictionary<string, string[]>();
        var scope = ReportParameters.Scope(user, facilityId, departmentId, unitId, errors, out var forbidden);
        var period = ReportParameters.Period(from, to, clock.GetUtcNow(), options.Value.MaxPeriodDays, errors);
        var every = ReportParameters.Interval(interval, errors);
        var grouping = ReportParameters.Grouping(groupBy, errors);
        if (forbidden) return OutOfScope();
        if (scope is null || period is null || every is null || grouping is null) return ProblemResults.Validation(errors);

        var series = await query.SeriesAsync(scope, period, every.Value, grouping.Value, ct);
        return WantsCsv(request) ? Csv(ReportCsv.Series(series, options.Value.SmallCellThreshold)) : TypedResults.Ok(series);
    }

    internal static async Task<Results<Ok<FacilityComparison>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> GetComparisonAsync(
        string? from, string? to, HttpRequest request, ClaimsPrincipal user, KpiQuery query, IOptions<ReportingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!ReportParameters.MayRead(user)) return NotAReader();
        if (!user.HasAllFacilities()) return ProblemResults.Forbidden("The comparison across facilities needs access to every facility of the health system.");
        var errors = new Dictionary<string, string[]>();
        var period = ReportParameters.Period(from, to, clock.GetUtcNow(), options.Value.MaxPeriodDays, errors);
        if (period is null) return ProblemResults.Validation(errors);

        var comparison = await query.CompareAsync(period, ct);
        return WantsCsv(request) ? Csv(ReportCsv.Comparison(comparison, options.Value.SmallCellThreshold)) : TypedResults.Ok(comparison);
    }

    private static ProblemHttpResult NotAReader() =>
        ProblemResults.Forbidden("Reports are for analysts, patient relations, compliance, department heads, executives and administrators.");

    private static ProblemHttpResult OutOfScope() => ProblemResults.Forbidden("Your access does not cover this facility.");

    private static bool WantsCsv(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(ReportCsv.ContentType, StringComparison.OrdinalIgnoreCase));

    private static ContentHttpResult Csv(string csv) => TypedResults.Text(csv, ReportCsv.ContentType + "; charset=utf-8");
}
