using System.Globalization;
using PatientExperience.Storage;

namespace PatientExperience.Survey.Policy;

/// <summary>The survey policies port: every version of every facility's policy, one document each (id <c>{facility}#{version}</c>).</summary>
public sealed class SurveyPolicyStore([FromKeyedServices(SurveyModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("survey_policies") { IndexedFields = ["facilityId", "version"] };

    private readonly IDocumentCollection<SurveyPolicy> _policies = store.Collection<SurveyPolicy>(Definition);

    private static string IdOf(string facilityId, int version) => facilityId + "#" + version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The policy in force: the facility's latest version, else the default (version 0).</summary>
    public async Task<SurveyPolicy> CurrentAsync(string facilityId, CancellationToken ct)
    {
        var page = await _policies.QueryAsync(new DocumentQuery
        {
            Filters = [FieldFilter.Eq("facilityId", facilityId)], SortBy = "version", Descending = true, PageSize = 1,
        }, ct);
        return page.Items.Count > 0 ? page.Items[0].Document : SurveyPolicy.Default(facilityId);
    }

    public async Task<SurveyPolicy?> VersionAsync(string facilityId, int version, CancellationToken ct) =>
        version == 0 ? SurveyPolicy.Default(facilityId) : (await _policies.GetAsync(IdOf(facilityId, version), ct))?.Document;

    /// <summary>Stores a new version; false when that version exists already (someone else wrote it first).</summary>
    public async Task<bool> TryAddAsync(SurveyPolicy policy, CancellationToken ct)
    {
        try
        {
            await _policies.InsertAsync(IdOf(policy.FacilityId, policy.Version), policy, [], ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }
}
