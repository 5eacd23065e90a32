using System.Security.Claims;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Audit;

/// <summary>One read of a case's protected text (notes, tasks, letters): who, when, which case, which facility.</summary>
public sealed record CasePhiAccess(Guid Id, DateTimeOffset At, string Actor, IReadOnlyList<string> Roles, string Action, Guid CaseId, string FacilityId);

/// <summary>Every read of PHI held by the case service is recorded before the data is returned.</summary>
public sealed class CaseAuditLog([FromKeyedServices(CaseModule.ServiceName)] IDocumentStore store, TimeProvider clock)
{
    public static readonly CollectionDefinition Definition = new("phi_access") { IndexedFields = ["caseId", "actor", "at"] };

    private readonly IDocumentCollection<CasePhiAccess> _log = store.Collection<CasePhiAccess>(Definition);

    public async Task RecordAsync(ClaimsPrincipal user, string action, Guid caseId, string facilityId, CancellationToken ct)
    {
        var entry = new CasePhiAccess(Guid.CreateVersion7(), clock.GetUtcNow(), user.PersonId() ?? "unknown",
            user.FindAll(PlatformClaims.Role).Select(c => c.Value).ToList(), action, caseId, facilityId);
        await _log.InsertAsync(entry.Id.ToString(), entry, [], ct);
    }

    public async Task<IReadOnlyList<CasePhiAccess>> ForCaseAsync(Guid caseId, CancellationToken ct) =>
        (await _log.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq("caseId", caseId.ToString())], SortBy = "at", PageSize = 1000 }, ct))
        .Items.Select(i => i.Document).ToList();
}
