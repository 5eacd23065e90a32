using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.Storage;

namespace PatientExperience.Case.Complainants;

/// <summary><c>{"text"}</c>: a secure message.</summary>
public sealed record SecureMessageRequest(string? Text);

/// <summary>A message accepted: its id and when.</summary>
public sealed record SecureMessageReceipt(Guid MessageId, DateTimeOffset At);

/// <summary>
/// The complainant's status page API: anonymous (the token in the link is the credential) and rate-limited at the gateway.
/// A malformed or unknown token is 404, a revoked one 410; neither changes anything. The page shows the case number, its stage,
/// when a response is due, when it last moved and the messages, and nothing internal (no staff names, notes or fields).
/// </summary>
public static class StatusPageApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapStatusPageApi(this RouteGroupBuilder api)
    {
        var page = api.MapGroup("/public/cases").WithTags("Complainant status page").AllowAnonymous();
        page.MapGet("/{token}", GetAsync).WithName("GetCaseStatus")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("The complainant's view of their case: case number, stage (received, being-looked-into, response-sent, resolved, closed), expected response date, last update and the secure messages. The read is audited.");
        page.MapPost("/{token}/messages", PostAsync).WithName("SendMessageToCaseTeam")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone)
            .WithSummary("Sends a secure message to the team handling the case (kept encrypted; the advocate is told a message arrived, not what it says). Idempotency-Key makes a retry safe.");
        return api;
    }

    internal static async Task<Results<Ok<StatusPageView>, ProblemHttpResult>> GetAsync(
        string token, ComplainantThreadStore threads, CaseStore cases, ComplainantMessaging messaging, CancellationToken ct)
    {
        var (thread, c, refused) = await FindAsync(token, threads, cases, ct);
        if (refused is not null) return refused;
        return TypedResults.Ok(await messaging.StatusPageAsync(thread!.Document, c!, ct));
    }

    internal static async Task<Results<Created<SecureMessageReceipt>, Ok<SecureMessageReceipt>, ValidationProblem, ProblemHttpResult>> PostAsync(
        string token, SecureMessageRequest body, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        ComplainantThreadStore threads, CaseStore cases, ComplainantMessaging messaging, TimeProvider clock, CancellationToken ct)
    {
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > 128 || idempotencyKey.Any(ch => ch < 0x21 || ch > 0x7e)))
            return ProblemResults.Validation(new Dictionary<string, string[]> { [IdempotencyKeyHeader] = ["Must be 1 to 128 visible ASCII characters."] });
        var (thread, c, refused) = await FindAsync(token, threads, cases, ct);
        if (refused is not null) return refused;
        var (text, problem) = SecureMessageText.Check(body.Text, messaging.Options.MaxMessageLength);
        if (problem is not null) return ProblemResults.Validation(new Dictionary<string, string[]> { ["text"] = [problem] });
        if (idempotencyKey is not null && thread!.Document.Messages.FirstOrDefault(m => m.IdempotencyKey == idempotencyKey && m.From == SecureMessageSender.Complainant) is { } earlier)
            return TypedResults.Ok(new SecureMessageReceipt(earlier.Id, earlier.At));
        if (thread!.Document.Messages.Count >= messaging.Options.MaxMessagesPerCase)
            return EntityTags.Conflict("This conversation has reached its size limit; please contact the patient relations team another way.");

        var now = clock.GetUtcNow();
        var message = messaging.NewMessage(thread.Document, SecureMessageSender.Complainant, null, text!, idempotencyKey, now);
        try
        {
            await threads.SaveAsync(thread.Document.With(message), thread.Version, [await messaging.AdvocateNoticeAsync(c!, message, ct)], now, ct);
        }
        catch (ConcurrencyConflictException)
        {
            return EntityTags.Conflict("Another message arrived at the same moment; nothing was stored. Send it again.");
        }

        await messaging.AuditMessageAsync(c!, ct);

        return TypedResults.Created($"/api/v1/public/cases/{token}", new SecureMessageReceipt(message.Id, message.At));
    }

    private static async Task<(Stored<ComplainantThread>? Thread, CaseFile? Case, ProblemHttpResult? Refused)> FindAsync(
        string token, ComplainantThreadStore threads, CaseStore cases, CancellationToken ct)
    {
        var thread = await threads.FindByTokenAsync(token, ct);
        var c = thread is null ? null : (await cases.GetAsync(thread.Document.CaseId, ct))?.Document;
        if (thread is null && await threads.WasReplacedAsync(token, ct))
            return (null, null, TypedResults.Problem("This link no longer works. Please contact the patient relations team for a new one.", statusCode: StatusCodes.Status410Gone, title: "Link revoked."));
        if (thread is null || c is null)
            return (null, null, TypedResults.Problem("No case is found for this link.", statusCode: StatusCodes.Status404NotFound, title: "Not found."));
        if (thread.Document.IsRevoked)
            return (null, null, TypedResults.Problem("This link no longer works. Please contact the patient relations team for a new one.", statusCode: StatusCodes.Status410Gone, title: "Link revoked."));
        return (thread, c, null);
    }
}
