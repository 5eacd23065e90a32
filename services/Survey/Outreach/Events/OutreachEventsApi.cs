using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Messaging.Outbox;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.ServiceDefaults.Text;
using PatientExperience.Storage;

namespace PatientExperience.Survey.Outreach.Events;

/// <summary><c>POST /api/v1/outreach/events</c>: criteria lists may be empty (any).</summary>
public sealed record PlanOutreachEventRequest(
    string? FacilityId, OutreachEventKind? Kind, string? Topic, DateTimeOffset? StartsAt, string? Location, int? Capacity,
    IReadOnlyList<string>? Languages, OutreachCriteria? Criteria);

/// <param name="AttendedInvitationIds">Invitees who came (each must have said yes).</param>
/// <param name="OtherAttendees">People who came without an invitation (walk-ins, carers).</param>
/// <param name="Themes">What was heard, as free text (encrypted at rest; every read audited).</param>
public sealed record OutreachOutcomeRequest(IReadOnlyList<Guid>? AttendedInvitationIds, int? OtherAttendees, string? Themes);

/// <param name="ImprovementActionIds">Ids of the case service's improvement actions the event fed into (GUIDs; replaces the list).</param>
public sealed record OutreachImprovementActionsRequest(IReadOnlyList<string>? ImprovementActionIds);

/// <param name="Themes">Only when one event is read (audited); null in lists.</param>
public sealed record OutreachOutcomeView(IReadOnlyList<Guid> AttendedInvitationIds, int OtherAttendees, bool HasThemes, string? Themes, DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>An event as staff see it: its seats and answers by invitation id (never who the invitees are).</summary>
public sealed record OutreachEventView(
    Guid Id, string FacilityId, OutreachEventKind Kind, string Topic, DateTimeOffset StartsAt, string Location, int Capacity,
    IReadOnlyList<string> Languages, OutreachCriteria Criteria, OutreachEventStatus Status, long Invited, int Attending, int Declined, int SeatsLeft,
    IReadOnlyList<Guid> AttendingInvitationIds, OutreachOutcomeView? Outcome, IReadOnlyList<Guid> ImprovementActionIds,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RecruitingSince, DateTimeOffset? ReminderSentAt, DateTimeOffset? CancelledAt, long Version);

/// <summary>
/// Focus groups and community events over HTTP (staff): plan, recruit, cancel, record the outcome, link improvement actions.
/// Scoped to the caller's facilities (other facilities' events are 404); recruiters read (<see cref="OutreachApi.ReaderRoles"/>),
/// survey editors change (<see cref="SurveyModule.EditorRoles"/>). Themes are encrypted at rest and every read is audited.
/// Bad input is a problem response that changes nothing.
/// </summary>
public static class OutreachEventsApi
{
    public const int MaxPageSize = 100;
    public const string SubjectKind = "outreach-event";
    public const string ReadThemesAction = "read-outreach-themes";
    private const int MaxAttempts = 10;

    public static RouteGroupBuilder MapOutreachEventsApi(this RouteGroupBuilder api)
    {
        var events = api.MapGroup("/outreach/events").WithTags("Outreach");
        var read = events.MapGroup("").RequireAuthorization(p => p.RequireRole(OutreachApi.ReaderRoles.ToClaims()));
        var write = events.MapGroup("").RequireAuthorization(p => p.RequireRole(SurveyModule.EditorRoles.ToClaims()));
        write.MapPost("", PlanAsync).WithName("PlanOutreachEvent").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Plan a focus group or community event: kind, topic, start, location, capacity, languages and who to recruit (language, age band, unit). Accepts Idempotency-Key.");
        read.MapGet("", ListAsync).WithName("ListOutreachEvents").ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Outreach events in the caller's facilities (or one facility), optionally by status; soonest first. Themes are not in the list.");
        read.MapGet("/{id:guid}", GetAsync).WithName("GetOutreachEvent")
            .WithSummary("One outreach event with its seats, answers and outcome; the read of its themes is audited. The ETag carries its version.");
        write.MapPost("/{id:guid}/recruit", RecruitAsync).WithName("RecruitForOutreachEvent").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Start (or resume) recruitment: consenting survey respondents who match are invited, each once, until the event is full.");
        write.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelOutreachEvent").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Cancel the event (before it is held): no more invitations, answers or reminders.");
        write.MapPost("/{id:guid}/outcome", RecordOutcomeAsync).WithName("RecordOutreachOutcome").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Once it has started: who came (invitation ids of those who said yes), how many others, and the themes heard (encrypted). The event is held.");
        write.MapPut("/{id:guid}/improvement-actions", LinkImprovementActionsAsync).WithName("LinkOutreachImprovementActions").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Set the improvement actions (the case service's ids) the event fed into.");
        return api;
    }

    internal static async Task<Results<Created<OutreachEventView>, Ok<OutreachEventView>, ValidationProblem, ProblemHttpResult>> PlanAsync(
        PlanOutreachEventRequest body, ClaimsPrincipal user, HttpContext http, OutreachEventStore store, SurveyPhiProtector phi, SurveyAuditLog audit,
        TimeProvider clock, CancellationToken ct)
    {
        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (key is { Length: > 200 }) return ProblemResults.Validation(new Dictionary<string, string[]> { ["Idempotency-Key"] = ["At most 200 characters."] });
        var by = user.PersonId() ?? "unknown";
        var draft = new OutreachEventDraft(body.FacilityId, body.Kind, body.Topic, body.StartsAt, body.Location, body.Capacity, body.Languages, body.Criteria);
        var (planned, errors) = OutreachEvent.Plan(draft, by, string.IsNullOrWhiteSpace(key) ? null : key, clock.GetUtcNow());
        if (planned is null) return ProblemResults.Validation(errors);
        if (!user.CanAccessFacility(planned.FacilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
        if (planned.IdempotencyKey is { } k && await store.FindByIdempotencyKeyAsync(k, ct) is { } earlier) return await RepeatAsync(earlier);
        try
        {
            var stored = await store.InsertAsync(planned, ct);
            EntityTags.Set(http, stored.Version);
            return TypedResults.Created($"/api/v1/outreach/events/{planned.Id}", await ViewAsync(stored, store, user, phi, audit, false, ct));
        }
        catch (DuplicateDocumentException) when (planned.IdempotencyKey is not null)
        {
            return await RepeatAsync((await store.FindByIdempotencyKeyAsync(planned.IdempotencyKey, ct))!);
        }

        async Task<Results<Created<OutreachEventView>, Ok<OutreachEventView>, ValidationProblem, ProblemHttpResult>> RepeatAsync(Stored<OutreachEvent> existing)
        {
            if (existing.Document.CreatedBy != by || !user.CanAccessFacility(existing.Document.FacilityId))
                return ProblemResults.Unprocessable("Idempotency-Key reused.", "The Idempotency-Key was used for another request; nothing was changed.");
            EntityTags.Set(http, existing.Version);
            return TypedResults.Ok(await ViewAsync(existing, store, user, phi, audit, false, ct));
        }
    }

    internal static async Task<Results<Ok<PagedResponse<OutreachEventView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, OutreachEventStore store, SurveyPhiProtector phi, SurveyAuditLog audit, CancellationToken ct,
        string? facilityId = null, string? status = null, int page = 1, int pageSize = 25)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Paging.Validate(errors, page, pageSize, DocumentQuery.MaxPageNumber, MaxPageSize);
        OutreachEventStatus? statusFilter = null;
        if (status is not null)
        {
            if (Wire.TryParse<OutreachEventStatus>(status, out var s)) statusFilter = s;
            else errors["status"] = ["Must be one of: " + string.Join(", ", Wire.All<OutreachEventStatus>()) + "."];
        }

        if (errors.Count > 0) return ProblemResults.Validation(errors);
        IReadOnlyList<string>? facilities;
        if (facilityId is not null)
        {
            if (!user.CanAccessFacility(facilityId)) return ProblemResults.Forbidden("Your access does not cover this facility.");
            facilities = [facilityId];
        }
        else
        {
            facilities = user.HasAllFacilities() ? null : user.Facilities();
        }

        var result = await store.ListAsync(facilities, statusFilter, page, pageSize, ct);
        var items = new List<OutreachEventView>();
        foreach (var item in result.Items) items.Add(await ViewAsync(item, store, user, phi, audit, false, ct));
        return TypedResults.Ok(new PagedResponse<OutreachEventView>(items, result.PageNumber, result.PageSize, result.Total));
    }

    internal static async Task<Results<Ok<OutreachEventView>, NotFound>> GetAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, OutreachEventStore store, SurveyPhiProtector phi, SurveyAuditLog audit, CancellationToken ct)
    {
        var stored = await store.GetAsync(id, ct);
        if (stored is null || !user.CanAccessFacility(stored.Document.FacilityId)) return TypedResults.NotFound();
        EntityTags.Set(http, stored.Version);
        return TypedResults.Ok(await ViewAsync(stored, store, user, phi, audit, true, ct));
    }

    internal static Task<Results<Ok<OutreachEventView>, NotFound, ValidationProblem, ProblemHttpResult>> RecruitAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, OutreachEventStore store, SurveyPhiProtector phi, SurveyAuditLog audit, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(id, user, http, store, phi, audit, clock, (e, now) => e.StartRecruiting(now), ct);

    internal static Task<Results<Ok<OutreachEventView>, NotFound, ValidationProblem, ProblemHttpResult>> CancelAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, OutreachEventStore store, SurveyPhiProtector phi, SurveyAuditLog audit, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(id, user, http, store, phi, audit, clock, (e, now) => e.Cancel(now), ct);

    internal static async Task<Results<Ok<OutreachEventView>, NotFound, ValidationProblem, ProblemHttpResult>> RecordOutcomeAsync(
        Guid id, OutreachOutcomeRequest body, ClaimsPrincipal user, HttpContext http, OutreachEventStore store, SurveyPhiProtector phi, SurveyAuditLog audit,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.AttendedInvitationIds is null) errors["attendedInvitationIds"] = ["Required (may be empty)."];
        if (body.Themes is { Length: > OutreachEvent.MaxThemesLength }) errors["themes"] = [$"At most {OutreachEvent.MaxThemesLength} characters."];
        else if (FreeText.Problem(body.Themes) is { } problem) errors["themes"] = [problem];
        if (errors.Count > 0) return ProblemResults.Validation(errors);
        var themes = string.IsNullOrWhiteSpace(body.Themes) ? null : phi.Protect(body.Themes.Trim(), OutreachEvent.RecordOf(id));
        var by = user.PersonId() ?? "unknown";
        Dictionary<string, string[]>? invalid = null;
        var result = await ChangeAsync(id, user, http, store, phi, audit, clock, (e, now) =>
        {
            var change = e.RecordOutcome(body.AttendedInvitationIds!, body.OtherAttendees ?? 0, themes, by, now, out var found);
            invalid = found.Count > 0 ? found : null;
            return change;
        }, ct);
        return invalid is not null ? ProblemResults.Validation(invalid) : result;
    }

    internal static async Task<Results<Ok<OutreachEventView>, NotFound, ValidationProblem, ProblemHttpResult>> LinkImprovementActionsAsync(
        Guid id, OutreachImprovementActionsRequest body, ClaimsPrincipal user, HttpContext http, OutreachEventStore store, SurveyPhiProtector phi, SurveyAuditLog audit,
        TimeProvider clock, CancellationToken ct)
    {
        var ids = new List<Guid>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.ImprovementActionIds is null) errors["improvementActionIds"] = ["Required (may be empty)."];
        else if (body.ImprovementActionIds.Count > OutreachEvent.MaxImprovementActions) errors["improvementActionIds"] = [$"At most {OutreachEvent.MaxImprovementActions}."];
        else
        {
            for (var i = 0; i < body.ImprovementActionIds.Count; i++)
            {
                if (Guid.TryParseExact(body.ImprovementActionIds[i], "D", out var g) && g != Guid.Empty) ids.Add(g);
                else errors[$"improvementActionIds[{i}]"] = ["Must be an improvement action id (a GUID, e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301)."];
            }
        }

        if (errors.Count > 0) return ProblemResults.Validation(errors);
        return await ChangeAsync(id, user, http, store, phi, audit, clock, (e, _) => e.LinkImprovementActions(ids), ct);
    }

    /// <summary>Reads, applies and writes under the version read; a concurrent change (an RSVP) is read again and the change applied again.</summary>
    private static async Task<Results<Ok<OutreachEventView>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, OutreachEventStore store, SurveyPhiProtector phi, SurveyAuditLog audit, TimeProvider clock,
        Func<OutreachEvent, DateTimeOffset, OutreachChange> apply, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.GetAsync(id, ct);
            if (stored is null || !user.CanAccessFacility(stored.Document.FacilityId)) return TypedResults.NotFound();
            var now = clock.GetUtcNow();
            var change = apply(stored.Document, now);
            if (change.Event is null) return EntityTags.Conflict(change.Conflict! + " Nothing was changed.");
            try
            {
                var saved = await store.ReplaceAsync(change.Event, stored.Version, change.Messages.Select(m => OutboxMessages.Create(m, now)).ToList(), ct);
                EntityTags.Set(http, saved.Version);
                return TypedResults.Ok(await ViewAsync(saved, store, user, phi, audit, true, ct));
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // An answer arrived meanwhile: decide again on the event as it is now.
            }
        }
    }

    private static async Task<OutreachEventView> ViewAsync(Stored<OutreachEvent> stored, OutreachEventStore store, ClaimsPrincipal user, SurveyPhiProtector phi,
        SurveyAuditLog audit, bool withThemes, CancellationToken ct)
    {
        var e = stored.Document;
        string? themes = null;
        if (withThemes && e.Outcome?.ProtectedThemes is { } protectedThemes)
        {
            // Recorded before the text goes out.
            await audit.RecordAsync(user, ReadThemesAction, e.Id, e.FacilityId, ct, SubjectKind);
            themes = phi.Unprotect(protectedThemes, OutreachEvent.RecordOf(e.Id));
        }

        var outcome = e.Outcome is { } o ? new OutreachOutcomeView(o.AttendedInvitationIds, o.OtherAttendees, o.ProtectedThemes is not null, themes, o.RecordedAt, o.RecordedBy) : null;
        return new OutreachEventView(
            e.Id, e.FacilityId, e.Kind, e.Topic, e.StartsAt, e.Location, e.Capacity, e.Languages, e.Criteria, e.Status, await store.InvitedCountAsync(e.Id, ct),
            e.Attending, e.Rsvps.Count(r => !r.Attending), e.SeatsLeft, e.Rsvps.Where(r => r.Attending).Select(r => r.InvitationId).ToList(), outcome,
            e.ImprovementActionIds, e.CreatedAt, e.CreatedBy, e.RecruitingSince, e.ReminderSentAt, e.CancelledAt, stored.Version);
    }
}
