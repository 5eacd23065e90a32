using Grpc.Core;
using PatientExperience.Contracts.Intake.V1;
using PatientExperience.ServiceDefaults.Grpc;

namespace PatientExperience.Notification.Contacts;

/// <summary>How to reach the patient of a submission: PHI, held in memory only for the moment it is needed, never logged.</summary>
public sealed record PatientContact(string? Name, string? Email, string? Phone, string? PreferredLanguage, bool ResponseRequested);

/// <summary>Intake owns the patient's details; this service asks for them when a patient is to be told something.</summary>
public interface IPatientContacts
{
    /// <summary>The submission's patient contact, or null when intake does not know the submission.</summary>
    Task<PatientContact?> GetAsync(Guid submissionId, string facilityId, CancellationToken ct);
}

/// <summary>Intake's GetSubmission over gRPC with this service's token for the facility (intake audits each such read).</summary>
internal sealed class GrpcPatientContacts(IntakeService.IntakeServiceClient client, IServiceTokenSource tokens) : IPatientContacts
{
    public async Task<PatientContact?> GetAsync(Guid submissionId, string facilityId, CancellationToken ct)
    {
        try
        {
            var headers = new Metadata { { "Authorization", "Bearer " + await tokens.TokenForAsync(facilityId, ct) } };
            var s = await client.GetSubmissionAsync(new GetSubmissionRequest { SubmissionId = submissionId.ToString() }, headers, CallDeadline.After(TimeSpan.FromSeconds(10)), ct);
            var p = s.Patient;
            var by = s.Submitter;
            if (Null(p?.Email) is null && Null(p?.Phone) is null && (Null(by?.Email) is not null || Null(by?.Phone) is not null))
            {
                // The patient left no contact but the person who raised the concern did (a family member, a carer): answer them.
                return new PatientContact(Null(by!.Name), Null(by.Email), Null(by.Phone), Null(p?.PreferredLanguage), s.ResponseRequested);
            }

            return new PatientContact(Null(p?.Name), Null(p?.Email), Null(p?.Phone), Null(p?.PreferredLanguage), s.ResponseRequested);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    private static string? Null(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
