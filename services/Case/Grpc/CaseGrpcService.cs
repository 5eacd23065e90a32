using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Directory;
using PatientExperience.Contracts.Case.V1;
using PatientExperience.ServiceDefaults.Security;
using CaseMessage = PatientExperience.Contracts.Case.V1.Case;
using FacilityMessage = PatientExperience.Contracts.Case.V1.Facility;

namespace PatientExperience.Case.Grpc;

/// <summary>Answers other services about cases and the directory.</summary>
public sealed class CaseGrpcService(CaseStore cases, DirectoryStore directory) : CaseService.CaseServiceBase
{
    [Authorize(Policy = AuthenticationExtensions.StaffPolicy)]
    public override async Task<CaseMessage> GetCase(GetCaseRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.CaseId, out var id)) throw new RpcException(new Status(StatusCode.InvalidArgument, "case_id must be a UUID."));
        var stored = await cases.GetAsync(id, context.CancellationToken);
        if (stored is null || !context.GetHttpContext().User.CanAccessFacility(stored.Document.FacilityId))
            throw new RpcException(new Status(StatusCode.NotFound, "No such case."));
        var c = stored.Document;
        return new CaseMessage
        {
            CaseId = c.Id.ToString(), CaseNumber = c.CaseNumber, SubmissionId = c.SubmissionId.ToString(), FacilityId = c.FacilityId,
            DepartmentId = c.DepartmentId ?? "", UnitId = c.UnitId ?? "", Channel = c.Channel, Kind = c.Kind ?? "", Status = c.Status,
            OpenedAt = Timestamp.FromDateTimeOffset(c.OpenedAt), Version = stored.Version,
        };
    }

    /// <summary>The directory is public information (the feedback form lists it), so no token is needed.</summary>
    [AllowAnonymous]
    public override async Task<ListFacilitiesReply> ListFacilities(ListFacilitiesRequest request, ServerCallContext context)
    {
        var reply = new ListFacilitiesReply();
        foreach (var f in await directory.ListAsync(context.CancellationToken))
        {
            var message = new FacilityMessage { FacilityId = f.Id, Name = f.Name, TimeZone = f.TimeZone };
            foreach (var d in f.Departments)
            {
                var department = new PatientExperience.Contracts.Case.V1.Department { DepartmentId = d.Id, Name = d.Name };
                department.Units.AddRange(d.Units.Select(u => new PatientExperience.Contracts.Case.V1.Unit { UnitId = u.Id, Name = u.Name }));
                message.Departments.Add(department);
            }

            reply.Facilities.Add(message);
        }

        return reply;
    }
}
