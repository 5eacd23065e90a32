using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using PatientExperience.Contracts.Survey.V1;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Survey.Scoring;

/// <summary>Answers other services (reporting) about survey results, scoped to the facilities in the caller's token.</summary>
public sealed class SurveyGrpcService(SurveyResultsReader reader, TimeProvider clock) : SurveyService.SurveyServiceBase
{
    [Authorize(Policy = AuthenticationExtensions.StaffPolicy)]
    public override async Task<GetSurveyResultsReply> GetSurveyResults(GetSurveyResultsRequest request, ServerCallContext context)
    {
        if (request.FacilityId.Length == 0) throw new RpcException(new Status(StatusCode.InvalidArgument, "facility_id is required."));
        if (!context.GetHttpContext().User.CanAccessFacility(request.FacilityId))
            throw new RpcException(new Status(StatusCode.PermissionDenied, "Your access does not cover this facility."));
        var from = request.From?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch;
        var to = request.To?.ToDateTimeOffset() ?? clock.GetUtcNow().AddTicks(1);
        if (from >= to) throw new RpcException(new Status(StatusCode.InvalidArgument, "from must be before to."));

        var results = await reader.ReadAsync(request.FacilityId, from, to, context.CancellationToken);
        var reply = new GetSurveyResultsReply
        {
            FacilityId = request.FacilityId, Invited = results.Invited, Responded = results.Responded, ResponseRate = results.ResponseRate,
            Nps = new NpsEntry { Score = results.Nps.Score, Promoters = results.Nps.Promoters, Passives = results.Nps.Passives, Detractors = results.Nps.Detractors, N = results.Nps.N },
        };
        reply.Composites.AddRange(results.Composites.Select(c => new CompositeEntry { Id = c.Id, TopBox = c.TopBox, N = c.N }));
        return reply;
    }
}
