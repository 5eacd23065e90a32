using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Channels;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Templates;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Notification.Inbox;

/// <summary>An entry of a person's in-app inbox.</summary>
public sealed record InboxItemView(Guid Id, string Event, Guid? CaseId, string? CaseNumber, string FacilityId, string Severity,
    string Title, string Body, string? Link, DateTimeOffset CreatedAt, bool Read, DateTimeOffset? ReadAt);

public sealed record InboxView(IReadOnlyList<InboxItemView> Items, int Page, int PageSize, long Total, long Unread);

public sealed record UnreadCountView(long Unread);

public sealed record MarkedReadView(int Marked);

/// <summary>
/// The caller's inbox (the caller is the subject of the token, and sees the entries of the facilities the token names): newest
/// first, unread count, mark read.
/// </summary>
public static class InboxApi
{
    public static RouteGroupBuilder MapInboxApi(this RouteGroupBuilder notifications)
    {
        var inbox = notifications.MapGroup("/inbox");
        inbox.MapGet("", ListAsync).WithName("GetMyInbox").WithSummary("Your inbox, newest first, with the unread count; unreadOnly=true for unread entries only.");
        inbox.MapGet("/unread-count", UnreadAsync).WithName("GetMyUnreadCount").WithSummary("How many entries of your inbox are unread.");
        inbox.MapPost("/{id:guid}/read", MarkReadAsync).WithName("MarkInboxEntryRead").WithSummary("Marks one of your inbox entries read.");
        inbox.MapPost("/read-all", MarkAllReadAsync).WithName("MarkInboxRead").WithSummary("Marks every entry of your inbox read.");
        return notifications;
    }

    internal static async Task<Results<Ok<InboxView>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, DeliveryStore deliveries, TemplateRenderer templates, StaffText staffText, CancellationToken ct, bool unreadOnly = false, int page = 1, int pageSize = 25)
    {
        if (user.PersonId() is not { Length: > 0 } personId) return ProblemResults.Forbidden("Your token names no person (sub).");
        if (page is < 1 or > DocumentQuery.MaxPageNumber || pageSize is < 1 or > DeliveriesApi.MaxPageSize)
            return ProblemResults.Validation(new Dictionary<string, string[]> { ["page"] = [$"page must be 1-{DocumentQuery.MaxPageNumber} and pageSize 1-{DeliveriesApi.MaxPageSize}."] });
        var (items, total, unread) = await ReadAsync(deliveries, templates, staffText, InboxOwner.Of(user, personId), unreadOnly, page, pageSize, ct);
        return TypedResults.Ok(new InboxView(items, page, pageSize, total, unread));
    }

    internal static async Task<(IReadOnlyList<InboxItemView> Items, long Total, long Unread)> ReadAsync(
        DeliveryStore deliveries, TemplateRenderer templates, StaffText staffText, InboxOwner owner, bool unreadOnly, int page, int pageSize, CancellationToken ct)
    {
        var result = await deliveries.InboxAsync(owner, unreadOnly, page, pageSize, ct);
        var unread = unreadOnly ? result.Total : await deliveries.UnreadCountAsync(owner, ct);
        return (result.Items.Select(i => View(i.Document, templates, staffText)).ToList(), result.Total, unread);
    }

    internal static InboxItemView View(Delivery d, TemplateRenderer templates, StaffText staffText)
    {
        // The owner's own entry: the only view that shows a SendNotification's text decrypted.
        var model = staffText.Reveal(d) ?? throw new InvalidOperationException($"Inbox entry {d.Id} has no message.");
        var rendered = templates.RenderStaff(d.Event, Channel.Inbox, model);
        return new InboxItemView(d.Id, d.Event, d.CaseId, model.CaseNumber, d.FacilityId, d.Severity.ToWire(), rendered.Subject ?? "", rendered.Body, model.Link,
            d.CreatedAt, !d.Unread, d.ReadAt);
    }

    internal static async Task<Results<Ok<UnreadCountView>, ProblemHttpResult>> UnreadAsync(ClaimsPrincipal user, DeliveryStore deliveries, CancellationToken ct)
    {
        if (user.PersonId() is not { Length: > 0 } personId) return ProblemResults.Forbidden("Your token names no person (sub).");
        return TypedResults.Ok(new UnreadCountView(await deliveries.UnreadCountAsync(InboxOwner.Of(user, personId), ct)));
    }

    internal static async Task<Results<NoContent, NotFound, ProblemHttpResult>> MarkReadAsync(Guid id, ClaimsPrincipal user, DeliveryStore deliveries, TimeProvider clock, CancellationToken ct)
    {
        if (user.PersonId() is not { Length: > 0 } personId) return ProblemResults.Forbidden("Your token names no person (sub).");
        // Someone else's entry is answered as not found: its existence is not disclosed.
        return await deliveries.MarkReadAsync(id, InboxOwner.Of(user, personId), clock.GetUtcNow(), ct) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    internal static async Task<Results<Ok<MarkedReadView>, ProblemHttpResult>> MarkAllReadAsync(ClaimsPrincipal user, DeliveryStore deliveries, TimeProvider clock, CancellationToken ct)
    {
        if (user.PersonId() is not { Length: > 0 } personId) return ProblemResults.Forbidden("Your token names no person (sub).");
        var marked = 0;
        while (true)
        {
            var owner = InboxOwner.Of(user, personId);
            var page = await deliveries.InboxAsync(owner, unreadOnly: true, 1, DeliveriesApi.MaxPageSize, ct);
            if (page.Items.Count == 0) return TypedResults.Ok(new MarkedReadView(marked));
            foreach (var item in page.Items)
            {
                if (await deliveries.MarkReadAsync(item.Document.Id, owner, clock.GetUtcNow(), ct)) marked++;
            }
        }
    }
}
