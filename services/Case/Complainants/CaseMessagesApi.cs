using PatientExperience.Case.Audit;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Complainants;

/// <summary>The state of a case's status page link for staff: when issued, and whether (when, by whom) it was revoked.</summary>
public sealed record StatusLinkView(Guid CaseId, DateTimeOffset IssuedAt, DateTimeOffset? RevokedAt, string? RevokedBy);

/// <summary>
/// Staff's side of the secure messages (scoped to the caller's facilities, a case elsewhere is 404): read them (audited),
/// reply (the complainant is told there is a reply, with their link), and revoke the status page link.
/// </summary>
public static class CaseMessagesApi
{
    /// <summary>Who may read a case's messages: everyone who works cases.</summary>
    public static readonly StaffRole[] ReadRoles = CaseActionRoles.AddNote;
    /// <summary>Who may reply and revoke the link: the people who run the case to its end.</summary>
    public static readonly StaffRole[] WriteRoles = CaseActionRoles.RecordLetter;

    public static RouteGroupBuilder MapCaseMessagesApi(this RouteGroupBuilder api)
    {
        var c = api.MapGroup("/cases/{id:guid}").WithTags("Secure messages").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        c.MapGet("/messages", ListAsync).WithName("ListCaseMessages").Produces<IReadOnlyList<CaseMessageView>>().Produces(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("The secure messages between the complainant and staff, oldest first (the read is audited).");
        c.MapPost("/messages", ReplyAsync).WithName("ReplyToComplainant").Produces<CaseMessageView>(StatusCodes.Status201Created).Produces(StatusCodes.Status404NotFound).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Replies to the complainant on their status page (kept encrypted); they are told a reply is waiting, with their link, not what it says.");
        c.MapPost("/status-link/revoke", RevokeAsync).WithName("RevokeStatusLink").Produces<StatusLinkView>().Produces(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Revokes the complainant's status page link (it then answers 410); messages stay with the case.");
        c.MapPost("/status-link/reissue", ReissueAsync).WithName("ReissueStatusLink").Produces<StatusLinkView>().Produces(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Gives the complainant a new status page link in place of a revoked one (409 while the current link works): the old link stays revoked (410) and the complainant is sent the new one.");
        return api;
    }

    private static async Task<(CaseFile? Case, Stored<ComplainantThread>? Thread, IResult? Refused)> FindAsync(
        Guid id, ClaimsPrincipal user, StaffRole[] roles, CaseStore cases, ComplainantThreadStore threads, CancellationToken ct)
    {
        var c = (await cases.GetAsync(id, ct))?.Document;
        if (c is null || !user.CanAccessFacility(c.FacilityId)) return (null, null, TypedResults.NotFound());
        if (!CaseActionRoles.Allows(roles, user.IsInRole)) return (null, null, ProblemResults.Forbidden("Your role does not allow this on a case's messages."));
        return (c, await threads.GetAsync(id, ct), null);
    }

    internal static async Task<IResult> ListAsync(
        Guid id, ClaimsPrincipal user, CaseStore cases, ComplainantThreadStore threads, ComplainantMessaging messaging, CancellationToken ct)
    {
        var (c, thread, refused) = await FindAsync(id, user, ReadRoles, cases, threads, ct);
        if (refused is not null) return refused;
        return TypedResults.Ok(await messaging.ReadForStaffAsync(user, thread?.Document, c!.Id, c.FacilityId, ct));
    }

    internal static async Task<IResult> ReplyAsync(
        Guid id, SecureMessageRequest body, ClaimsPrincipal user, CaseStore cases, ComplainantThreadStore threads, ComplainantMessaging messaging,
        CaseAuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var (c, thread, refused) = await FindAsync(id, user, WriteRoles, cases, threads, ct);
        if (refused is not null) return refused;
        var (text, problem) = SecureMessageText.Check(body.Text, messaging.Options.MaxMessageLength);
        if (problem is not null) return ProblemResults.Validation(new Dictionary<string, string[]> { ["text"] = [problem] });
        if (thread is null) return EntityTags.Conflict("The case has no status page yet; try again in a moment.");
        if (thread.Document.IsRevoked) return EntityTags.Conflict("The complainant's link is revoked, so they could not read a reply. Contact them another way.");
        if (thread.Document.Messages.Count >= messaging.Options.MaxMessagesPerCase) return EntityTags.Conflict("This conversation has reached its size limit.");

        var now = clock.GetUtcNow();
        var message = messaging.NewMessage(thread.Document, SecureMessageSender.Staff, user.PersonId() ?? "unknown", text!, null, now);
        try
        {
            await threads.SaveAsync(thread.Document.With(message), thread.Version, [messaging.ReplyNotice(thread.Document, c!, message)], now, ct);
        }
        catch (ConcurrencyConflictException)
        {
            return EntityTags.Conflict("Another message arrived at the same moment; nothing was stored. Send it again.");
        }

        await audit.RecordAsync(user, "case.reply-message", c!.Id, c.FacilityId, ct);

        return TypedResults.Created($"/api/v1/cases/{id}/messages", new CaseMessageView(message.Id, message.From.ToWire(), message.StaffId, message.At, text!));
    }

    internal static async Task<IResult> ReissueAsync(
        Guid id, ClaimsPrincipal user, CaseStore cases, ComplainantThreadStore threads, ComplainantMessaging messaging, CasePhiProtector phi, CaseAuditLog audit,
        TimeProvider clock, CancellationToken ct)
    {
        var (c, thread, refused) = await FindAsync(id, user, WriteRoles, cases, threads, ct);
        if (refused is not null) return refused;
        if (thread is null) return TypedResults.NotFound();
        var now = clock.GetUtcNow();
        var token = StatusToken.New();
        var by = user.PersonId() ?? "unknown";
        var reissued = thread.Document.Reissue(StatusToken.Hash(token), phi.Protect(token, thread.Document.Record), by, now);
        if (reissued is null) return EntityTags.Conflict("The complainant's link still works: revoke it first if it must be replaced. Nothing was changed.");
        try
        {
            await threads.ReissueAsync(thread.Document, reissued, thread.Version, messaging.ReissueNotice(reissued, c!, token, Guid.CreateVersion7(now)), now, ct);
        }
        catch (ConcurrencyConflictException)
        {
            return EntityTags.Conflict("The conversation changed at the same moment; nothing was changed. Try again.");
        }

        await audit.RecordAsync(user, "case.status-link.reissue", c!.Id, c.FacilityId, ct);
        return TypedResults.Ok(new StatusLinkView(id, reissued.IssuedAt, reissued.RevokedAt, reissued.RevokedBy));
    }

    internal static async Task<IResult> RevokeAsync(
        Guid id, ClaimsPrincipal user, CaseStore cases, ComplainantThreadStore threads, TimeProvider clock, CancellationToken ct)
    {
        var (_, thread, refused) = await FindAsync(id, user, WriteRoles, cases, threads, ct);
        if (refused is not null) return refused;
        if (thread is null) return TypedResults.NotFound();
        var revoked = thread.Document.Revoke(user.PersonId() ?? "unknown", clock.GetUtcNow());
        if (!ReferenceEquals(revoked, thread.Document))
        {
            try
            {
                await threads.SaveAsync(revoked, thread.Version, [], clock.GetUtcNow(), ct);
            }
            catch (ConcurrencyConflictException)
            {
                return EntityTags.Conflict("The conversation changed at the same moment; try again.");
            }
        }

        return TypedResults.Ok(new StatusLinkView(id, revoked.IssuedAt, revoked.RevokedAt, revoked.RevokedBy));
    }
}
