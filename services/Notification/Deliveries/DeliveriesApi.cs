using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Notification.Deliveries;

/// <summary>A delivery as staff see it: who (by id), which channel, and how it went. Never the address or the text.</summary>
public sealed record DeliveryView
{
    public required Guid Id { get; init; }
    public required string Event { get; init; }
    public Guid? CaseId { get; init; }
    public required string FacilityId { get; init; }
    public required string Severity { get; init; }
    public required string Channel { get; init; }
    public required string RecipientKind { get; init; }
    public required string RecipientId { get; init; }
    public string? RecipientName { get; init; }
    public required string Status { get; init; }
    public required int Attempts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? FailedAt { get; init; }
    public string? Transport { get; init; }
    public string? Reason { get; init; }
    public Guid? FallbackOf { get; init; }
    public string? FallbackChannel { get; init; }
    public required IReadOnlyList<DeliveryAttempt> History { get; init; }

    public static DeliveryView From(Delivery d) => new()
    {
        Id = d.Id, Event = d.Event, CaseId = d.CaseId, FacilityId = d.FacilityId, Severity = d.Severity.ToWire(), Channel = d.Channel,
        RecipientKind = d.RecipientKind, RecipientId = d.RecipientId, RecipientName = d.RecipientName, Status = d.Status, Attempts = d.Attempts,
        CreatedAt = d.CreatedAt, NextAttemptAt = d.NextAttemptAt, DeliveredAt = d.DeliveredAt, FailedAt = d.FailedAt, Transport = d.Transport,
        Reason = d.Reason, FallbackOf = d.FallbackOf, FallbackChannel = d.FallbackChannel, History = d.History,
    };
}

/// <summary>Every delivery's status, for staff of its facility.</summary>
public static class DeliveriesApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapDeliveriesApi(this RouteGroupBuilder notifications)
    {
        notifications.MapGet("", ListAsync).WithName("ListNotifications")
            .WithSummary("Deliveries (one per cause, recipient and channel) in your facilities, newest first: filter by caseId, facilityId, status and a creation range (createdFrom inclusive, createdTo exclusive); to read more than paging reaches, narrow the range.");
        notifications.MapGet("/{id:guid}", GetAsync).WithName("GetNotification")
            .WithSummary("One delivery with its attempts.");
        return notifications;
    }

    internal static async Task<Results<Ok<PagedResponse<DeliveryView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, DeliveryStore deliveries, CancellationToken ct,
        Guid? caseId = null, string? facilityId = null, string? status = null, DateTimeOffset? createdFrom = null, DateTimeOffset? createdTo = null,
        int page = 1, int pageSize = 25)
    {
        var errors = new Dictionary<string, string[]>();
        Paging.Validate(errors, page, pageSize, DocumentQuery.MaxPageNumber, MaxPageSize);
        if (createdFrom is { } f && createdTo is { } t && f >= t) errors["createdTo"] = ["Must be after createdFrom."];
        if (status is not null && !DeliveryStatus.All.Contains(status)) errors["status"] = ["Must be one of: " + string.Join(", ", DeliveryStatus.All) + "."];
        if (errors.Count > 0) return ProblemResults.Validation(errors);

        var filters = new List<FieldFilter>();
        if (facilityId is not null)
        {
            if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
            filters.Add(FieldFilter.Eq("facilityId", facilityId));
        }
        else if (!user.HasAllFacilities())
        {
            filters.Add(FieldFilter.In("facilityId", user.Facilities()));
        }

        if (caseId is { } c) filters.Add(FieldFilter.Eq("caseId", c.ToString()));
        if (status is not null) filters.Add(FieldFilter.Eq("status", status));
        if (createdFrom is { } from) filters.Add(FieldFilter.Gte("createdAt", from));
        if (createdTo is { } to) filters.Add(FieldFilter.Lt("createdAt", to));
        var result = await deliveries.ListAsync(filters, page, pageSize, ct);
        return TypedResults.Ok(new PagedResponse<DeliveryView>(result.Items.Select(i => DeliveryView.From(i.Document)).ToList(), result.PageNumber, result.PageSize, result.Total));
    }

    internal static async Task<Results<Ok<DeliveryView>, NotFound>> GetAsync(Guid id, ClaimsPrincipal user, DeliveryStore deliveries, CancellationToken ct)
    {
        var stored = await deliveries.GetAsync(id, ct);
        if (stored is null || !user.CanAccessFacility(stored.Document.FacilityId)) return TypedResults.NotFound();
        return TypedResults.Ok(DeliveryView.From(stored.Document));
    }
}
