using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Reporting.V1;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Reporting.Kpis;

/// <summary>Answers internal callers with the same queries, parameters and scoping as the HTTP API.</summary>
public sealed class ReportingGrpcService(KpiQuery query, IOptions<ReportingOptions> options, TimeProvider clock) : ReportingService.ReportingServiceBase
{
    [Authorize(Policy = AuthenticationExtensions.StaffPolicy)]
    public override async Task<GetKpisReply> GetKpis(GetKpisRequest request, ServerCallContext context)
    {
        var (scope, period) = Parameters(context, request.FacilityId, request.DepartmentId, request.UnitId, request.From, request.To);
        return new GetKpisReply { Kpis = ToMessage(await query.KpisAsync(scope, period, context.CancellationToken)) };
    }

    [Authorize(Policy = AuthenticationExtensions.StaffPolicy)]
    public override async Task<GetDashboardReply> GetDashboard(GetDashboardRequest request, ServerCallContext context)
    {
        if (request.FacilityId.Length == 0) throw new RpcException(new Status(StatusCode.InvalidArgument, "facility_id is required."));
        var errors = new Dictionary<string, string[]>();
        var interval = ReportParameters.Interval(request.Interval, errors) ?? throw Invalid(errors);
        var (scope, period) = Parameters(context, request.FacilityId, "", "", request.From, request.To);
        var ct = context.CancellationToken;

        var reply = new GetDashboardReply { Kpis = ToMessage(await query.KpisAsync(scope, period, ct)) };
        var trend = await query.SeriesAsync(scope, period, interval, SeriesGrouping.None, ct);
        foreach (var p in trend.Points)
        {
            var point = new TrendPoint
            {
                Period = p.Period.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Feedback = p.Feedback, CasesOpened = p.CasesOpened,
                Acknowledged = p.Acknowledged, Resolved = p.Resolved, EscalationsDepartment = p.Escalations.Department, EscalationsExecutive = p.Escalations.Executive,
            };
            if (p.Nps is { } nps) point.Nps = nps;
            reply.Trend.Add(point);
        }

        reply.ByCategory.AddRange(Volumes(await query.SeriesAsync(scope, period, SeriesInterval.Month, SeriesGrouping.Category, ct)));
        reply.ByUnit.AddRange(Volumes(await query.SeriesAsync(scope, period, SeriesInterval.Month, SeriesGrouping.Unit, ct)));
        return reply;
    }

    private static IEnumerable<GroupVolume> Volumes(KpiSeries series) =>
        series.Points.GroupBy(p => p.Group ?? "", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new GroupVolume { Group = g.Key, Feedback = g.Sum(p => p.Feedback), CasesOpened = g.Sum(p => p.CasesOpened) });

    private (ReportScope Scope, ReportPeriod Period) Parameters(ServerCallContext context, string facilityId, string departmentId, string unitId, string from, string to)
    {
        var user = context.GetHttpContext().User;
        if (!ReportParameters.MayRead(user)) throw new RpcException(new Status(StatusCode.PermissionDenied, "Reports are for reader roles only."));
        var errors = new Dictionary<string, string[]>();
        var scope = ReportParameters.Scope(user, Blank(facilityId), Blank(departmentId), Blank(unitId), errors, out var forbidden);
        var period = ReportParameters.Period(from, to, clock.GetUtcNow(), options.Value.MaxPeriodDays, errors);
        if (forbidden) throw new RpcException(new Status(StatusCode.PermissionDenied, "Your access does not cover this facility."));
        if (scope is null || period is null) throw Invalid(errors);
        return (scope, period);
    }

    private static string? Blank(string value) => value.Length == 0 ? null : value;

    private static RpcException Invalid(Dictionary<string, string[]> errors) =>
        new(new Status(StatusCode.InvalidArgument, string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))));

    internal static KpiSummary ToMessage(KpiReport r)
    {
        var k = new KpiSummary
        {
            From = r.From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            To = r.To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            DepartmentId = r.Scope.DepartmentId ?? "",
            UnitId = r.Scope.UnitId ?? "",
            Feedback = new Contracts.Reporting.V1.FeedbackCounts
            {
                Total = r.Feedback.Total, Complaints = r.Feedback.Complaints, Grievances = r.Feedback.Grievances,
                Compliments = r.Feedback.Compliments, Suggestions = r.Feedback.Suggestions, Questions = r.Feedback.Questions,
            },
            CasesOpened = r.CasesOpened,
            Acknowledged = r.Acknowledged,
            CasesResolved = r.CasesResolved,
            Discharges = r.RatePer1000Discharges.Discharges,
            EscalationsDepartment = r.Escalations.Department,
            EscalationsExecutive = r.Escalations.Executive,
            NpsN = r.Surveys.N,
            SmallSample = r.Surveys.SmallSample,
            ServiceRecoveryOpened = r.ServiceRecovery.Opened,
            ServiceRecoveryResolved = r.ServiceRecovery.Resolved,
        };
        k.Facilities.AddRange(r.Scope.Facilities);
        k.Backlog.AddRange(r.Backlog.Select(b => new Contracts.Reporting.V1.BacklogBand { AgeBand = b.AgeBand, Open = b.Open }));
        if (r.RatePer1000Discharges.Complaints is { } c) k.ComplaintsPer1000Discharges = c;
        if (r.RatePer1000Discharges.Grievances is { } g) k.GrievancesPer1000Discharges = g;
        if (r.TimeToAcknowledgeSeconds.P50 is { } a50) k.TimeToAcknowledgeP50Seconds = a50;
        if (r.TimeToAcknowledgeSeconds.P90 is { } a90) k.TimeToAcknowledgeP90Seconds = a90;
        if (r.TimeToResolveSeconds.P50 is { } r50) k.TimeToResolveP50Seconds = r50;
        if (r.TimeToResolveSeconds.P90 is { } r90) k.TimeToResolveP90Seconds = r90;
        if (r.SlaCompliance.AcknowledgedOnTime is { } ack) k.AcknowledgedOnTime = ack;
        if (r.SlaCompliance.InterimNoticeOnTime is { } interim) k.InterimNoticeOnTime = interim;
        if (r.SlaCompliance.ResponseOnTime is { } response) k.ResponseOnTime = response;
        if (r.Surveys.ResponseRate is { } rate) k.SurveyResponseRate = rate;
        if (r.Surveys.Nps is { } nps) k.Nps = nps;
        if (r.Surveys.NpsCi95 is [var low, var high]) { k.NpsCi95Low = low; k.NpsCi95High = high; }
        return k;
    }
}
