using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PatientExperience.Reporting.Kpis;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Reporting.Signals;

/// <summary>
/// <c>/api/v1/reports/signals</c> and <c>/api/v1/reports/rising-categories</c>: statistical signals over the read model,
/// computed on demand, aggregates only, scoped like the other reports (another facility: 403). Signals computed here are
/// raised (published once each as <c>ReportingSignalRaised</c>) through the <see cref="SignalLedger"/>.
/// </summary>
public static class SignalsApi
{
    public static RouteGroupBuilder MapSignalsApi(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Signals").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        reports.MapGet("/signals", GetSignalsAsync).WithName("GetSignals")
            .Produces<SignalList>().ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Complaint rates per unit on a u-chart per ISO week or month: the points above the upper limit and the runs of 8 above the centre line.");
        reports.MapGet("/rising-categories", GetRisingCategoriesAsync).WithName("GetRisingCategories")
            .Produces<RisingCategories>().ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Per facility, the complaint categories with the largest rise against the previous period of equal length.");
        return api;
    }

    internal static async Task<Results<Ok<SignalList>, ValidationProblem, ProblemHttpResult>> GetSignalsAsync(
        string? facilityId, string? from, string? to, string? interval,
        ClaimsPrincipal user, SignalsQuery query, SignalLedger ledger, IOptions<ReportingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!ReportParameters.MayRead(user)) return NotAReader();
        var errors = new Dictionary<string, string[]>();
        var scope = ReportParameters.Scope(user, facilityId, null, null, errors, out var forbidden);
        var period = ReportParameters.Period(from, to, clock.GetUtcNow(), options.Value.MaxPeriodDays, errors);
        var every = ChartInterval(interval, errors);
        if (forbidden) return OutOfScope();
        if (scope is null || period is null || every is null) return ProblemResults.Validation(errors);

        var signals = await query.SignalsAsync(scope, period, every.Value, ct);
        await ledger.RaiseAsync(signals, ct); // each signal published once, whoever computes it first
        return TypedResults.Ok(signals);
    }

    internal static async Task<Results<Ok<RisingCategories>, ValidationProblem, ProblemHttpResult>> GetRisingCategoriesAsync(
        string? facilityId, string? from, string? to,
        ClaimsPrincipal user, SignalsQuery query, IOptions<ReportingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!ReportParameters.MayRead(user)) return NotAReader();
        var errors = new Dictionary<string, string[]>();
        var scope = ReportParameters.Scope(user, facilityId, null, null, errors, out var forbidden);
        var period = ReportParameters.Period(from, to, clock.GetUtcNow(), options.Value.MaxPeriodDays, errors);
        if (forbidden) return OutOfScope();
        if (scope is null || period is null) return ProblemResults.Validation(errors);

        return TypedResults.Ok(await query.RisingCategoriesAsync(scope, period, ct));
    }

    /// <summary>A u-chart's period: <c>week</c> (ISO, the default) or <c>month</c>.</summary>
    private static SeriesInterval? ChartInterval(string? value, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value) || value == "week") return SeriesInterval.Week;
        if (value == "month") return SeriesInterval.Month;
        errors["interval"] = ["Must be one of: week, month."];
        return null;
    }

    private static ProblemHttpResult NotAReader() =>
        ProblemResults.Forbidden("Reports are for analysts, patient relations, compliance, department heads, executives and administrators.");

    private static ProblemHttpResult OutOfScope() => ProblemResults.Forbidden("Your access does not cover this facility.");
}
