using Grpc.Core;
using PatientExperience.Contracts.Intake.V1;
using PatientExperience.ServiceDefaults.Grpc;

namespace PatientExperience.Notification.Contacts;

/// <summary>How to reach a discharged patient: PHI, held in memory only for the moment it is needed, never logged.</summary>
public sealed record DischargeContact(string? Email, string? Phone, bool PhoneIsMobile, string? PreferredLanguage);

/// <summary>Intake owns the discharged patient's contact (from the EHR); this service asks for it when a survey invitation is due.</summary>
public interface IDischargeContacts
{
    /// <summary>The discharge's patient contact, or null when intake does not know the discharge.</summary>
    Task<DischargeContact?> GetAsync(Guid dischargeId, string facilityId, CancellationToken ct);
}

/// <summary>Intake's GetDischargeContact over gRPC with this service's token for the facility (intake audits each such read).</summary>
internal sealed class GrpcDischargeContacts(IntakeService.IntakeServiceClient client, IServiceTokenSource tokens) : IDischargeContacts
{
    public async Task<DischargeContact?> GetAsync(Guid dischargeId, string facilityId, CancellationToken ct)
    {
        try
        {
            var headers = new Metadata { { "Authorization", "Bearer " + await tokens.TokenForAsync(facilityId, ct) } };
            var c = await client.GetDischargeContactAsync(new GetDischargeContactRequest { DischargeId = dischargeId.ToString() }, headers, CallDeadline.After(TimeSpan.FromSeconds(10)), ct);
            // The name is not asked for: a survey invitation greets nobody by name (the link is the only personal thing in it).
            return new DischargeContact(Null(c.Email), Null(c.Phone), c.PhoneIsMobile, Null(c.PreferredLanguage));
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    private static string? Null(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
