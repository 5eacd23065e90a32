using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Organisation;
using PatientExperience.Contracts.Case.V1;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Grpc;

/// <summary>Answers other services about cases and the directory.</summary>
public sealed class CaseGrpcService(CaseStore cases, DirectoryStore directory, IEscalationDirectory escalation) : CaseService.CaseServiceBase
{
    [Authorize(Policy = AuthenticationExtensions.StaffPolicy)]
    public override async Task<GetCaseReply> GetCase(GetCaseRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.CaseId, out var id)) throw new RpcException(new Status(StatusCode.InvalidArgument, "case_id must be a UUID."));
        var stored = await cases.GetAsync(id, context.CancellationToken);
        if (stored is null || !context.GetHttpContext().User.CanAccessFacility(stored.Document.FacilityId))
            throw new RpcException(new Status(StatusCode.NotFound, "No such case."));
        var c = stored.Document;
        return new GetCaseReply
        {
            CaseId = c.Id.ToString(), CaseNumber = c.CaseNumber, SubmissionId = c.SubmissionId.ToString(), FacilityId = c.FacilityId,
            DepartmentId = c.DepartmentId ?? "", UnitId = c.UnitId ?? "", Channel = c.Channel.ToWire(), Kind = c.Kind.ToWire() ?? "", Status = c.Status.ToWire(),
            OpenedAt = Timestamp.FromDateTimeOffset(c.OpenedAt), Version = stored.Version,
        };
    }

    /// <summary>
    /// Who holds an escalation level for a case (by case_id) or a place (facility_id, optional department_id and unit_id),
    /// with the fallbacks of <see cref="IEscalationDirectory"/>. A case outside the caller's facilities is not found; a
    /// facility outside them is refused.
    /// </summary>
    [Authorize(Policy = AuthenticationExtensions.StaffPolicy)]
    public override async Task<ResolveRecipientsReply> ResolveRecipients(ResolveRecipientsRequest request, ServerCallContext context)
    {
        if (!Wire.TryParse<EscalationLevel>(request.Level, out var level))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "level must be unit, department or executive."));
        var user = context.GetHttpContext().User;
        string facilityId;
        string? departmentId, unitId;
        if (request.CaseId.Length > 0)
        {
            if (request.FacilityId.Length > 0 || request.DepartmentId.Length > 0 || request.UnitId.Length > 0)
                throw new RpcException(new Status(StatusCode.InvalidArgument, "Give either case_id or facility_id (with department_id and unit_id), not both."));
            if (!Guid.TryParse(request.CaseId, out var id)) throw new RpcException(new Status(StatusCode.InvalidArgument, "case_id must be a UUID."));
            var stored = await cases.GetAsync(id, context.CancellationToken);
            if (stored is null || !user.CanAccessFacility(stored.Document.FacilityId))
                throw new RpcException(new Status(StatusCode.NotFound, "No such case."));
            (facilityId, departmentId, unitId) = (stored.Document.FacilityId, stored.Document.DepartmentId, stored.Document.UnitId);
        }
        else
        {
            if (request.FacilityId.Length == 0) throw new RpcException(new Status(StatusCode.InvalidArgument, "Give case_id or facility_id."));
            if (!user.CanAccessFacility(request.FacilityId))
                throw new RpcException(new Status(StatusCode.PermissionDenied, "Your access does not cover this facility."));
            (facilityId, departmentId, unitId) = (request.FacilityId, NullIfEmpty(request.DepartmentId), NullIfEmpty(request.UnitId));
        }

        var facility = await directory.GetAsync(facilityId, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "No such facility."));
        (departmentId, unitId) = EscalationDirectory.Place(facility, departmentId, unitId);

        var recipients = await escalation.ResolveRecipientsAsync(facilityId, departmentId, unitId, level, context.CancellationToken);
        var reply = new ResolveRecipientsReply { FacilityId = facilityId, DepartmentId = departmentId ?? "", UnitId = unitId ?? "", Level = request.Level };
        reply.Recipients.AddRange(recipients.Select(r => new Recipient
        {
            PersonId = r.PersonId, Name = r.Name, Role = r.Role, Email = r.Email ?? "", Phone = r.Phone ?? "", Pager = r.Pager ?? "", TimeZone = r.TimeZone ?? "",
        }));
        return reply;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>The directory is public information (the feedback form lists it), so no token is needed.</summary>
    [AllowAnonymous]
    public override async Task<ListFacilitiesReply> ListFacilities(ListFacilitiesRequest request, ServerCallContext context)
    {
        var reply = new ListFacilitiesReply();
        foreach (var f in await directory.ListAsync(context.CancellationToken))
        {
            var message = new FacilityEntry { FacilityId = f.Id, Name = f.Name, TimeZone = f.TimeZone };
            foreach (var d in f.Departments)
            {
                var department = new DepartmentEntry { DepartmentId = d.Id, Name = d.Name };
                department.Units.AddRange(d.Units.Select(u => new UnitEntry { UnitId = u.Id, Name = u.Name }));
                message.Departments.Add(department);
            }

            reply.Facilities.Add(message);
        }

        return reply;
    }
}
