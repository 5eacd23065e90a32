using System.Globalization;
using PatientExperience.Storage;

namespace PatientExperience.Survey.Definitions;

/// <summary>The survey definitions port: every version of every survey, one document each (id <c>{surveyId}#{version}</c>).</summary>
public sealed class DefinitionStore([FromKeyedServices(SurveyModule.ServiceName)] IDocumentStore store)
{
    public static readonly CollectionDefinition Definition = new("survey_definitions") { IndexedFields = ["id", "version", "status"] };

    private readonly IDocumentCollection<SurveyDefinition> _definitions = store.Collection<SurveyDefinition>(Definition);

    public static string IdOf(string surveyId, int version) => surveyId + "#" + version.ToString(CultureInfo.InvariantCulture);

    public Task<Stored<SurveyDefinition>?> GetAsync(string surveyId, int version, CancellationToken ct) => _definitions.GetAsync(IdOf(surveyId, version), ct);

    /// <summary>The survey's highest version in any status, or null when there is no such survey.</summary>
    public async Task<Stored<SurveyDefinition>?> LatestAsync(string surveyId, CancellationToken ct) =>
        (await _definitions.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq("id", surveyId)], SortBy = "version", Descending = true, PageSize = 1 }, ct))
        .Items.FirstOrDefault();

    /// <summary>The version sent to patients now: the survey's highest published version (a retired one is not sent).</summary>
    public async Task<SurveyDefinition?> CurrentPublishedAsync(string surveyId, CancellationToken ct) =>
        (await _definitions.QueryAsync(new DocumentQuery
        {
            Filters = [FieldFilter.Eq("id", surveyId), FieldFilter.Eq("status", "published")],
            SortBy = "version",
            Descending = true,
            PageSize = 1,
        }, ct)).Items.FirstOrDefault()?.Document;

    public async Task<IReadOnlyList<Stored<SurveyDefinition>>> ListAsync(CancellationToken ct) =>
        (await _definitions.ReadAllAsync(new DocumentQuery { SortBy = "id" }, ct))
        .OrderBy(d => d.Document.Id, StringComparer.Ordinal).ThenBy(d => d.Document.Version).ToList();

    /// <summary>Adds a version; false when it exists already (someone else took the number first).</summary>
    public async Task<bool> TryAddAsync(SurveyDefinition definition, CancellationToken ct)
    {
        try
        {
            await _definitions.InsertAsync(IdOf(definition.Id, definition.Version), definition, [], ct);
            return true;
        }
        catch (DuplicateDocumentException)
        {
            return false;
        }
    }

    /// <exception cref="ConcurrencyConflictException">Changed since it was read.</exception>
    public Task<Stored<SurveyDefinition>> ReplaceAsync(SurveyDefinition definition, long expectedVersion, CancellationToken ct) =>
        _definitions.ReplaceAsync(IdOf(definition.Id, definition.Version), definition, expectedVersion, [], ct);
}

/// <summary>Installs the shipped templates as published version 1 when the store does not have them (first start).</summary>
internal sealed class TemplateSeeder(DefinitionStore definitions, TimeProvider clock, Microsoft.Extensions.Options.IOptions<SurveyOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedTemplates) return;
        foreach (var (id, content) in SurveyTemplates.All)
        {
            if (await definitions.LatestAsync(id, cancellationToken) is not null) continue;
            var now = clock.GetUtcNow();
            var draft = SurveyDefinition.Draft(id, 1, content, now, "system").Definition
                ?? throw new InvalidOperationException($"The shipped template '{id}' is not valid.");
            await definitions.TryAddAsync(draft.Publish(now).Definition!, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
