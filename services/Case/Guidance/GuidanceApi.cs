using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Case.Guidance;

/// <param name="Kind">guidance or patient-resource.</param>
/// <param name="Categories">Complaint categories it applies to (empty: any).</param>
/// <param name="Classifications">complaint or grievance (empty: any).</param>
/// <param name="Severities">low, medium, high or critical (empty: any).</param>
public sealed record GuidanceRequest(
    string? Key, string? Kind, IReadOnlyList<string>? Categories, IReadOnlyList<string>? Classifications, IReadOnlyList<string>? Severities,
    LocalizedMarkdown? Title, LocalizedMarkdown? Body);

/// <summary>An entry's current version in both languages, as the library lists it.</summary>
public sealed record GuidanceEntryView(
    string Key, int Version, string Kind, IReadOnlyList<string> Categories, IReadOnlyList<string> Classifications, IReadOnlyList<string> Severities,
    LocalizedMarkdown Title, LocalizedMarkdown Body, DateTimeOffset CreatedAt, string CreatedBy)
{
    public static GuidanceEntryView From(GuidanceEntry e)
    {
        var v = e.Current;
        return new(e.Key, v.Version, v.Kind.ToWire(), v.Scope.Categories, v.Scope.Classifications.Select(c => c.ToWire()).ToList(),
            v.Scope.Severities.Select(s => s.ToWire()).ToList(), v.Title, v.Body, v.CreatedAt, v.CreatedBy);
    }
}

/// <summary>What applies to a case, in the patient's language (<c>en</c> or <c>es</c>): Markdown for the console to render.</summary>
public sealed record CaseGuidanceView(string Key, int Version, string Kind, string Language, string Title, string Body);

/// <summary>The advocates' guidance library: admins write versions; staff read it and what applies to a case.</summary>
public static class GuidanceApi
{
    public static RouteGroupBuilder MapGuidanceApi(this RouteGroupBuilder api)
    {
        var library = api.MapGroup("/guidance").WithTags("Guidance").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        library.MapGet("", ListAsync).WithName("ListGuidance")
            .WithSummary("The guidance library: each entry's current version (Markdown, English and Spanish) with the categories, classifications and severities it applies to.");
        library.MapPost("", SaveAsync).WithName("SaveGuidance")
            .WithSummary("Write an entry (admin): a new key is created at version 1; an existing key gets a new version unless nothing changed.");
        api.MapGet("/cases/{id:guid}/guidance", ForCaseAsync).WithTags("Guidance").RequireAuthorization(AuthenticationExtensions.StaffPolicy)
            .WithName("GetCaseGuidance")
            .WithSummary("The guidance and patient resources that apply to the case (its category, classification and severity), in the patient's language.");
        return api;
    }

    internal static async Task<Ok<IReadOnlyList<GuidanceEntryView>>> ListAsync(GuidanceStore store, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<GuidanceEntryView>>((await store.AllAsync(ct)).Select(e => GuidanceEntryView.From(e.Document)).ToList());

    internal static async Task<Results<Created<GuidanceEntryView>, Ok<GuidanceEntryView>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        GuidanceRequest body, ClaimsPrincipal user, GuidanceStore store, TimeProvider clock, CancellationToken ct)
    {
        if (!user.IsInRole(StaffRole.Admin.ToClaim())) return ProblemResults.Forbidden("Only administrators edit the guidance library.");
        var (draft, errors) = GuidanceEntry.Draft(body.Key, body.Kind, body.Categories, body.Classifications, body.Severities, body.Title, body.Body);
        if (draft is null) return ProblemResults.Validation(errors);
        var actor = user.PersonId() ?? "unknown";
        for (var attempt = 0; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var existing = await store.GetAsync(draft.Key, ct);
            if (existing is null)
            {
                var created = GuidanceEntry.Create(draft, actor, now);
                if (await store.TryAddAsync(created, ct)) return TypedResults.Created($"/api/v1/guidance?key={created.Key}", GuidanceEntryView.From(created));
                continue;
            }

            if (!existing.Document.AddVersion(draft, actor, now)) return TypedResults.Ok(GuidanceEntryView.From(existing.Document));
            try
            {
                return TypedResults.Ok(GuidanceEntryView.From((await store.SaveAsync(existing.Document, existing.Version, ct)).Document));
            }
            catch (Storage.ConcurrencyConflictException) when (attempt < 5)
            {
                // Another admin saved a version meanwhile: read it again and add this one after it.
            }
        }
    }

    internal static async Task<Results<Ok<IReadOnlyList<CaseGuidanceView>>, NotFound>> ForCaseAsync(
        Guid id, ClaimsPrincipal user, CaseStore cases, GuidanceStore store, CancellationToken ct)
    {
        var stored = await cases.GetAsync(id, ct);
        if (stored is null || !user.CanAccessFacility(stored.Document.FacilityId)) return TypedResults.NotFound();
        var c = stored.Document;
        var language = LanguageOf(c.PreferredLanguage);
        var applies = (await store.AllAsync(ct)).Select(e => e.Document).Where(e => e.Current.Scope.AppliesTo(c))
            .OrderBy(e => e.Current.Kind).ThenBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new CaseGuidanceView(e.Key, e.Current.Version, e.Current.Kind.ToWire(), language, e.Current.Title.For(language), e.Current.Body.For(language)))
            .ToList();
        return TypedResults.Ok<IReadOnlyList<CaseGuidanceView>>(applies);
    }

    /// <summary>The library's language for a patient's BCP-47 tag: <c>es</c> for any Spanish, <c>en</c> otherwise.</summary>
    public static string LanguageOf(string? tag) =>
        tag is not null && (tag.Equals("es", StringComparison.OrdinalIgnoreCase) || tag.StartsWith("es-", StringComparison.OrdinalIgnoreCase)) ? "es" : "en";
}
