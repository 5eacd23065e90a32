using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Survey.Definitions;

/// <summary>A new survey, or the next version of one: its id and what it asks.</summary>
public sealed record DraftSurveyRequest
{
    public string? Id { get; init; }
    public LocalizedText? Title { get; init; }
    public IReadOnlyList<Question>? Questions { get; init; }
    public IReadOnlyList<Composite>? Composites { get; init; }

    public SurveyContent? ToContent() => Title is null || Questions is null ? null : new SurveyContent { Title = Title, Questions = Questions, Composites = Composites ?? [] };
}

/// <summary>Draft, edit, publish and retire survey definitions (editors: admin, patient-relations); any member of staff may read them.</summary>
public static class DefinitionsApi
{
    public static RouteGroupBuilder MapDefinitionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/survey-definitions").WithTags("Survey definitions").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        group.MapGet("", ListAsync).WithName("ListSurveyDefinitions").WithSummary("Every version of every survey, drafts included.");
        group.MapGet("/{surveyId}", GetAsync).WithName("GetSurveyDefinition").WithSummary("A survey's latest version, or ?version=N.");
        group.MapPost("", DraftAsync).WithName("DraftSurveyDefinition").RequireAuthorization(p => p.RequireRole(SurveyModule.EditorRoles.ToClaims()))
            .WithSummary("Starts a draft: version 1 of a new survey or the next version of an existing one (one draft per survey at a time).");
        group.MapPut("/{surveyId}/versions/{version:int}", EditAsync).WithName("EditSurveyDefinition").RequireAuthorization(p => p.RequireRole(SurveyModule.EditorRoles.ToClaims()))
            .WithSummary("Replaces a draft's questions. Published versions never change: 409.");
        group.MapPost("/{surveyId}/versions/{version:int}/publish", (string surveyId, int version, DefinitionStore store, TimeProvider clock, CancellationToken ct) =>
                ChangeAsync(store, surveyId, version, d => d.Publish(clock.GetUtcNow()), ct))
            .WithName("PublishSurveyDefinition").RequireAuthorization(p => p.RequireRole(SurveyModule.EditorRoles.ToClaims()))
            .WithSummary("Publishes a draft: from now on it is immutable, and as the survey's highest published version it is the one sent.");
        group.MapPost("/{surveyId}/versions/{version:int}/retire", (string surveyId, int version, DefinitionStore store, TimeProvider clock, CancellationToken ct) =>
                ChangeAsync(store, surveyId, version, d => d.Retire(clock.GetUtcNow()), ct))
            .WithName("RetireSurveyDefinition").RequireAuthorization(p => p.RequireRole(SurveyModule.EditorRoles.ToClaims()))
            .WithSummary("Stops sending a published version; invitations already out can still be answered.");
        return api;
    }

    internal static async Task<Ok<IReadOnlyList<SurveyDefinition>>> ListAsync(DefinitionStore store, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<SurveyDefinition>>((await store.ListAsync(ct)).Select(d => d.Document).ToList());

    internal static async Task<Results<Ok<SurveyDefinition>, NotFound>> GetAsync(string surveyId, DefinitionStore store, CancellationToken ct, int? version = null)
    {
        var stored = version is { } v ? await store.GetAsync(surveyId, v, ct) : await store.LatestAsync(surveyId, ct);
        return stored is null ? TypedResults.NotFound() : TypedResults.Ok(stored.Document);
    }

    internal static async Task<Results<Created<SurveyDefinition>, ValidationProblem, ProblemHttpResult>> DraftAsync(
        DraftSurveyRequest body, ClaimsPrincipal user, DefinitionStore store, TimeProvider clock, CancellationToken ct)
    {
        var latest = await store.LatestAsync(body.Id ?? "", ct);
        if (latest?.Document.Status == DefinitionStatus.Draft)
            return Conflict($"Version {latest.Document.Version} of '{latest.Document.Id}' is a draft already: edit it instead.");
        var change = SurveyDefinition.Draft(body.Id ?? "", (latest?.Document.Version ?? 0) + 1, body.ToContent()!, clock.GetUtcNow(), user.PersonId());
        if (change.Definition is null) return ProblemResults.Validation(new Dictionary<string, string[]>(change.Problems));
        if (!await store.TryAddAsync(change.Definition, ct)) return Conflict("Someone else drafted a version of this survey at the same time; nothing was stored.");
        return TypedResults.Created($"/api/v1/survey-definitions/{change.Definition.Id}?version={change.Definition.Version}", change.Definition);
    }

    internal static async Task<Results<Ok<SurveyDefinition>, NotFound, ValidationProblem, ProblemHttpResult>> EditAsync(
        string surveyId, int version, DraftSurveyRequest body, DefinitionStore store, CancellationToken ct)
    {
        var content = body.ToContent();
        return await ChangeAsync(store, surveyId, version, d => content is null ? DefinitionChange.Invalid(SurveyDefinition.Problems(null)) : d.Edit(content), ct);
    }

    private static async Task<Results<Ok<SurveyDefinition>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        DefinitionStore store, string surveyId, int version, Func<SurveyDefinition, DefinitionChange> change, CancellationToken ct)
    {
        var stored = await store.GetAsync(surveyId, version, ct);
        if (stored is null) return TypedResults.NotFound();
        var result = change(stored.Document);
        if (result.Conflict is { } conflict) return Conflict(conflict);
        if (result.Definition is null) return ProblemResults.Validation(new Dictionary<string, string[]>(result.Problems));
        if (result.Definition == stored.Document) return TypedResults.Ok(stored.Document);
        try
        {
            return TypedResults.Ok((await store.ReplaceAsync(result.Definition, stored.Version, ct)).Document);
        }
        catch (ConcurrencyConflictException)
        {
            return Conflict("The definition changed while this request was handled; read it again. Nothing was changed.");
        }
    }

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict.");
}
