using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using PatientExperience.Contracts.Intake.V1;
using PatientExperience.Intake.Audit;
using PatientExperience.Intake.Discharges;
using PatientExperience.Intake.Feedback;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Intake.Grpc;

/// <summary>Answers other services about a submission or a discharge. The caller's bearer token scopes it to facilities; PHI reads are audited.</summary>
[Authorize(Policy = AuthenticationExtensions.StaffPolicy)]
public sealed class IntakeGrpcService(SubmissionStore store, DischargeStore discharges, IntakePhiProtector phi, IntakeAuditLog audit) : IntakeService.IntakeServiceBase
{
    /// <summary>How to reach a discharged patient (for a survey invitation). Outside the caller's facilities the discharge does not exist.</summary>
    public override async Task<GetDischargeContactReply> GetDischargeContact(GetDischargeContactRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.DischargeId, out var id)) throw new RpcException(new Status(StatusCode.InvalidArgument, "discharge_id must be a UUID."));
        var user = context.GetHttpContext().User;
        var stored = await discharges.GetAsync(id, context.CancellationToken);
        if (stored is null) throw new RpcException(new Status(StatusCode.NotFound, "No such discharge."));
        if (!user.CanAccessFacility(stored.Document.FacilityId))
        {
            await audit.RecordDeniedAsync(user, "discharge-contact.read.grpc", id, stored.Document.FacilityId, context.CancellationToken, IntakeAuditLog.DischargeKind);
            throw new RpcException(new Status(StatusCode.NotFound, "No such discharge."));
        }

        var d = stored.Document;
        await audit.RecordAsync(user, "discharge-contact.read.grpc", d.Id, d.FacilityId, context.CancellationToken, IntakeAuditLog.DischargeKind);
        var contact = d.RevealContact(phi);
        return new GetDischargeContactReply
        {
            DischargeId = d.Id.ToString(),
            FacilityId = d.FacilityId,
            Name = contact.Name ?? "",
            Email = contact.Email ?? "",
            Phone = contact.Phone ?? "",
            PhoneIsMobile = contact.PhoneIsMobile,
            PreferredLanguage = contact.PreferredLanguage ?? "",
        };
    }

    public override async Task<GetSubmissionReply> GetSubmission(GetSubmissionRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.SubmissionId, out var id)) throw new RpcException(new Status(StatusCode.InvalidArgument, "submission_id must be a UUID."));
        var user = context.GetHttpContext().User;
        var stored = await store.GetAsync(id, context.CancellationToken);
        if (stored is null) throw new RpcException(new Status(StatusCode.NotFound, "No such submission."));
        if (!user.CanAccessFacility(stored.Document.FacilityId))
        {
            await audit.RecordDeniedAsync(user, "feedback.read.grpc", id, stored.Document.FacilityId, context.CancellationToken);
            throw new RpcException(new Status(StatusCode.NotFound, "No such submission."));
        }

        var s = stored.Document;
        await audit.RecordAsync(user, "feedback.read.grpc", s.Id, s.FacilityId, context.CancellationToken);
        var content = s.Reveal(phi);
        var reply = new GetSubmissionReply
        {
            SubmissionId = s.Id.ToString(),
            FacilityId = s.FacilityId,
            DepartmentId = s.DepartmentId ?? "",
            UnitId = s.UnitId ?? "",
            Channel = s.Channel.ToWire(),
            Kind = s.Kind.ToWire() ?? "",
            Status = s.Status,
            CaseId = s.CaseId?.ToString() ?? "",
            ResponseRequested = s.ResponseRequested,
            SubmitterRelationship = s.SubmitterRelationship ?? "",
            SubmittedAt = Timestamp.FromDateTimeOffset(s.SubmittedAt),
            Description = content.Description,
        };
        if (content.Patient is { } p)
        {
            reply.Patient = new Patient { Mrn = p.Mrn ?? "", Name = p.Name ?? "", Email = p.Email ?? "", Phone = p.Phone ?? "", PreferredLanguage = p.PreferredLanguage ?? "" };
        }

        if (content.Submitter is { } sub)
        {
            reply.Submitter = new PatientExperience.Contracts.Intake.V1.Submitter { Name = sub.Name ?? "", Email = sub.Email ?? "", Phone = sub.Phone ?? "", Relationship = sub.Relationship ?? "" };
        }

        return reply;
    }
}
