using System.Security.Claims;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Survey.Outreach;

/// <summary>One read of PHI-adjacent survey data (outreach consents): who, when, what, which facility, how many records.</summary>
public sealed record SurveyPhiAccess(Guid Id, DateTimeOffset At, string Actor, IReadOnlyList<string> Roles, string Action, string FacilityId, int Records);

/// <summary>Every read of PHI-adjacent data held by the survey service is recorded before the data is returned.</summary>
public sealed class SurveyAuditLog([FromKeyedServices(SurveyModule.ServiceName)] IDocumentStore store, TimeProvider clock)
{
    public static readonly CollectionDefinition Definition = new("phi_access") { IndexedFields = ["facilityId", "actor", "at"] };

    private readonly IDocumentCollection<SurveyPhiAccess> _log = store.Collection<SurveyPhiAccess>(Definition);

    public async Task RecordAsync(ClaimsPrincipal user, string action, string facilityId, int records, CancellationToken ct)
    {
        var entry = new SurveyPhiAccess(Guid.CreateVersion7(), clock.GetUtcNow(), user.PersonId() ?? "unknown",
            user.FindAll(PlatformClaims.Role).Select(c => c.Value).ToList(), action, facilityId, records);
        await _log.InsertAsync(entry.Id.ToString(), entry, [], ct);
    }

    public async Task<IReadOnlyList<SurveyPhiAccess>> ForFacilityAsync(string facilityId, CancellationToken ct) =>
        (await _log.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq("facilityId", facilityId)], SortBy = "at", PageSize = 1000 }, ct))
        .Items.Select(i => i.Document).ToList();
}
