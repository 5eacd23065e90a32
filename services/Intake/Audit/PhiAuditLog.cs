using System.Security.Claims;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Intake.Audit;

/// <summary>
/// One read of protected health information: who, when, what, for which facility. <see cref="SubmissionId"/> is the id of
/// what was read: a submission, or a discharge for the <c>discharge-contact.*</c> actions.
/// </summary>
public sealed record PhiAccess(Guid Id, DateTimeOffset At, string Actor, IReadOnlyList<string> Roles, string Action, Guid SubmissionId, string FacilityId);

/// <summary>Every read of PHI is recorded before the data is returned.</summary>
public sealed class PhiAuditLog([FromKeyedServices(IntakeModule.ServiceName)] IDocumentStore store, TimeProvider clock)
{
    public static readonly CollectionDefinition Definition = new("phi_access") { IndexedFields = ["submissionId", "actor", "at"] };

    private readonly IDocumentCollection<PhiAccess> _log = store.Collection<PhiAccess>(Definition);

    public async Task RecordAsync(ClaimsPrincipal user, string action, Guid submissionId, string facilityId, CancellationToken ct)
    {
        var entry = new PhiAccess(Guid.CreateVersion7(), clock.GetUtcNow(), user.PersonId() ?? "unknown",
            user.FindAll(PlatformClaims.Role).Select(c => c.Value).ToList(), action, submissionId, facilityId);
        await _log.InsertAsync(entry.Id.ToString(), entry, [], ct);
    }

    public async Task<IReadOnlyList<PhiAccess>> ForSubmissionAsync(Guid submissionId, CancellationToken ct) =>
        (await _log.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq("submissionId", submissionId.ToString())], SortBy = "at", PageSize = 1000 }, ct))
        .Items.Select(i => i.Document).ToList();
}
