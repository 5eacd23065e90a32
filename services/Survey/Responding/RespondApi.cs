using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging.Outbox;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;
using PatientExperience.Survey.Definitions;
using PatientExperience.Survey.Invitations;

namespace PatientExperience.Survey.Responding;

public sealed record SurveyFormOption(object Value, string Text);

public sealed record SurveyFormQuestion(string Id, string Type, string Text, IReadOnlyList<SurveyFormOption> Options);

/// <summary>The survey as the patient's page shows it, in the patient's language.</summary>
public sealed record SurveyForm(string SurveyId, string Language, IReadOnlyList<SurveyFormQuestion> Questions)
{
    public static SurveyForm From(SurveyDefinition survey, string language) => new(survey.Id, language, survey.Content.Questions.Select(q =>
        new SurveyFormQuestion(q.Id, q.Type.ToWire(), q.Text.In(language),
            QuestionScales.Options(q.Type).Select(o => new SurveyFormOption(o.Value, o.Text.In(language))).ToList())).ToList());
}

/// <summary><c>{"answers":{"&lt;questionId&gt;":&lt;value&gt;},"contactRequested":bool,"outreachConsent":bool}</c>.</summary>
public sealed record SurveyAnswerRequest
{
    public Dictionary<string, JsonElement>? Answers { get; init; }
    public bool ContactRequested { get; init; }
    public bool OutreachConsent { get; init; }
}

public sealed record SurveyAnswerReceipt(Guid ResponseId);

/// <summary>
/// The public survey page's API: anonymous (the token is the credential) and rate-limited at the gateway. An unknown or
/// forged token is 404, an expired one 410, a used one 409; none of them changes anything.
/// </summary>
public static class RespondApi
{
    public static RouteGroupBuilder MapRespondApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/surveys/respond").WithTags("Survey responses").AllowAnonymous();
        group.MapGet("/{token}", GetAsync).WithName("GetSurveyForm")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("The survey behind an invitation link, in the patient's language (or ?language=en|es).");
        group.MapPost("/{token}", AnswerAsync).WithName("AnswerSurvey")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("Answers the survey, once. Each answer is checked against its question's type (400 names the bad ones).");
        return api;
    }

    internal static async Task<Results<Ok<SurveyForm>, ProblemHttpResult>> GetAsync(
        string token, InvitationStore invitations, DefinitionStore definitions, TimeProvider clock, CancellationToken ct, string? language = null)
    {
        var invitation = await FindAsync(token, invitations, ct);
        if (Refuse(invitation?.Document.CanAnswer(clock.GetUtcNow()) ?? AnswerRefusal.Unknown) is { } refused) return refused;
        var survey = await SurveyOfAsync(invitation!.Document, definitions, ct);
        var shown = language is "en" or "es" ? language : invitation.Document.Language;
        return TypedResults.Ok(SurveyForm.From(survey, shown));
    }

    internal static async Task<Results<Created<SurveyAnswerReceipt>, ValidationProblem, ProblemHttpResult>> AnswerAsync(
        string token, SurveyAnswerRequest body, InvitationStore invitations, DefinitionStore definitions, SurveyPhiProtector phi, TimeProvider clock, CancellationToken ct)
    {
        // A reminder going out at the same moment changes the invitation too: read again and answer again (a few times at most).
        for (var attempt = 1; ; attempt++)
        {
            var stored = await FindAsync(token, invitations, ct);
            if (Refuse(stored?.Document.CanAnswer(clock.GetUtcNow()) ?? AnswerRefusal.Unknown) is { } refused) return refused;
            var survey = await SurveyOfAsync(stored!.Document, definitions, ct);
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var sheet = AnswerSheet.Read(survey, body.Answers, body.ContactRequested, errors);
            if (sheet is null) return ProblemResults.Validation(errors);
            var comments = sheet.Comments.Count == 0 ? null : phi.Protect(JsonSerializer.Serialize(sheet.Comments), stored.Document.Record);

            var now = clock.GetUtcNow();
            var outcome = stored.Document.Answer(survey, sheet, body.ContactRequested, body.OutreachConsent, comments, Guid.CreateVersion7(now), now);
            if (Refuse(outcome.Refusal) is { } late) return late;
            try
            {
                await invitations.ReplaceAsync(outcome.Invitation!, stored.Version, outcome.Messages.Select(m => OutboxMessages.Create(m, now)).ToList(), ct);
            }
            catch (ConcurrencyConflictException) when (attempt < 5)
            {
                continue; // answered by a concurrent request (the next read says 409) or a step was sent meanwhile
            }

            var facility = new KeyValuePair<string, object?>("facility", outcome.Invitation!.FacilityId);
            SurveyTelemetry.Responses.Add(1, facility);
            if (outcome.Messages.Count > 1) SurveyTelemetry.LowSatisfaction.Add(1, facility);
            return TypedResults.Created((string?)null, new SurveyAnswerReceipt(outcome.Invitation!.Response!.Id));
        }
    }

    private static async Task<Stored<SurveyInvitation>?> FindAsync(string token, InvitationStore invitations, CancellationToken ct) =>
        SurveyToken.IsWellFormed(token) ? await invitations.FindByTokenHashAsync(SurveyToken.Hash(token), ct) : null;

    private static async Task<SurveyDefinition> SurveyOfAsync(SurveyInvitation invitation, DefinitionStore definitions, CancellationToken ct) =>
        (await definitions.GetAsync(invitation.SurveyId!, invitation.SurveyVersion, ct))?.Document
        ?? throw new InvalidOperationException($"Survey {invitation.SurveyId} version {invitation.SurveyVersion} of an invitation is missing.");

    private static ProblemHttpResult? Refuse(AnswerRefusal refusal) => refusal switch
    {
        AnswerRefusal.Unknown => TypedResults.Problem("No survey has this link.", statusCode: StatusCodes.Status404NotFound, title: "Not found."),
        AnswerRefusal.AlreadyAnswered => TypedResults.Problem("This survey has been answered already; thank you. Nothing was changed.", statusCode: StatusCodes.Status409Conflict, title: "Already answered."),
        AnswerRefusal.Expired => TypedResults.Problem("This survey link has expired. Nothing was changed.", statusCode: StatusCodes.Status410Gone, title: "Expired."),
        _ => null,
    };
}
