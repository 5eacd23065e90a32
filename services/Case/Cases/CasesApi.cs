using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Case.Cases;

/// <summary>A case as the staff console shows it (worklist rows omit the protected text).</summary>
public sealed record CaseView
{
    public required Guid CaseId { get; init; }
    public required string CaseNumber { get; init; }
    /// <summary>Intake's submission; for a case from a survey, the survey response id.</summary>
    public required Guid SubmissionId { get; init; }
    /// <summary>feedback or survey (service recovery).</summary>
    public required string Source { get; init; }
    /// <summary>The survey response a service-recovery case is linked to.</summary>
    public Guid? SurveyResponseId { get; init; }
    /// <summary>Intake's discharge id for a service-recovery case: the reference to the patient's contact (held by intake).</summary>
    public Guid? DischargeId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required string Channel { get; init; }
    public string? Kind { get; init; }
    public required string Classification { get; init; }
    public required string Severity { get; init; }
    public required string Category { get; init; }
    public string? OwningDepartmentId { get; init; }
    public required string RegulatoryProfile { get; init; }
    public required string Status { get; init; }
    public string? AssigneeId { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public required string EscalationLevel { get; init; }
    /// <summary>anonymous, staff or integration: the channel the concern came through.</summary>
    public required string SubmittedBy { get; init; }
    /// <summary>A critical case from an anonymous channel awaiting triage: confirm it (<c>confirm-critical</c>) or reclassify it.</summary>
    public bool AwaitingTriage { get; init; }
    public DateTimeOffset? NextDeadline { get; init; }
    public required SlaView Sla { get; init; }
    public required long Version { get; init; }
    /// <summary>
    /// The most recent part of the timeline (up to 200 entries), oldest first; staff's reasons only in the detail view, for
    /// roles that may read patient data. Older entries: <see cref="EarlierTimelineEntries"/>.
    /// </summary>
    public required IReadOnlyList<TimelineEntryView> History { get; init; }
    /// <summary>How many timeline entries came before <see cref="History"/>; read them with <c>GET /api/v1/cases/{id}/timeline</c>.</summary>
    public int EarlierTimelineEntries { get; init; }
    /// <summary>The most recent notes (up to 200), oldest first, in the detail view.</summary>
    public IReadOnlyList<NoteView>? Notes { get; init; }
    /// <summary>How many notes came before <see cref="Notes"/>; read them with <c>GET /api/v1/cases/{id}/notes</c>.</summary>
    public int EarlierNotes { get; init; }
    public IReadOnlyList<TaskView>? Tasks { get; init; }
    public IReadOnlyList<LetterView>? Letters { get; init; }

    public static CaseView From(Stored<CaseFile> stored, CaseText? text = null)
    {
        var c = stored.Document;
        return new CaseView
        {
            CaseId = c.Id, CaseNumber = c.CaseNumber, SubmissionId = c.SubmissionId, FacilityId = c.FacilityId,
            Source = c.Source.ToWire(), SurveyResponseId = c.SurveyResponseId, DischargeId = c.DischargeId,
            DepartmentId = c.DepartmentId, UnitId = c.UnitId, Channel = c.Channel.ToWire(), Kind = c.Kind.ToWire(),
            Classification = c.Classification.ToWire(), Severity = c.Severity.ToWire(), Category = c.Category, OwningDepartmentId = c.OwningDepartmentId,
            RegulatoryProfile = c.RegulatoryProfile, Status = c.Status.ToWire(), AssigneeId = c.AssigneeId,
            OpenedAt = c.OpenedAt, AcknowledgedAt = c.AcknowledgedAt, ResolvedAt = c.ResolvedAt, ClosedAt = c.ClosedAt,
            EscalationLevel = c.EscalationLevel.ToWire(), SubmittedBy = c.SubmittedBy.ToWire(), AwaitingTriage = c.AwaitingTriage, NextDeadline = c.NextDeadline,
            Sla = new SlaView(c.SlaState.ToWire(), c.NextDeadlineKind.ToWire(), c.NextDeadline, c.SlaPolicyVersion),
            Version = stored.Version, History = text?.History ?? TimelineEntryView.Of(c.History, reason: null), EarlierTimelineEntries = c.ArchivedHistoryCount,
            Notes = text?.Notes, EarlierNotes = c.ArchivedNoteCount, Tasks = text?.Tasks, Letters = text?.Letters,
        };
    }
}

/// <param name="State">on-track, breached, met or stopped.</param>
/// <param name="NextDeadlineKind">acknowledge, interim-notice or response.</param>
public sealed record SlaView(string State, string? NextDeadlineKind, DateTimeOffset? NextDeadline, int PolicyVersion);

public sealed record NoteView(Guid Id, DateTimeOffset At, string Author, string Text);
/// <param name="Status">open, done or cancelled.</param>
/// <param name="CompletionNote">The note given when the task was done (decrypted for the detail view only).</param>
/// <param name="ClosedAt">When it was done or cancelled.</param>
public sealed record TaskView(
    Guid Id, string DepartmentId, string? AssigneeId, string Description, DateTimeOffset DueAt, DateTimeOffset CreatedAt, string CreatedBy,
    string Status, string? CompletionNote, DateTimeOffset? ClosedAt, string? ClosedBy);
public sealed record LetterView(Guid Id, string Kind, DateTimeOffset IssuedAt, string IssuedBy, string? ContactName, string? StepsTaken, string? Results, DateOnly? CompletionDate, string? Body);

/// <summary>The decrypted text of a case, for its detail view only.</summary>
public sealed record CaseText(IReadOnlyList<NoteView> Notes, IReadOnlyList<TaskView> Tasks, IReadOnlyList<LetterView> Letters, IReadOnlyList<TimelineEntryView> History);

/// <summary>One line of a case's timeline: when, who, what happened (the platform's words) and why (the reason staff gave).</summary>
/// <param name="Reason">The reason staff gave (reopen, escalate, reclassify, cancel a task): in the case's detail view only, for roles that may read patient data.</param>
public sealed record TimelineEntryView(DateTimeOffset At, string Actor, string Action, string? Detail, string? Reason)
{
    public static IReadOnlyList<TimelineEntryView> Of(IEnumerable<CaseHistoryEntry> history, Func<CaseHistoryEntry, string?>? reason) =>
        history.Select(h => new TimelineEntryView(h.At, h.Actor, h.Action, h.Detail, reason?.Invoke(h))).ToList();
}

/// <summary>A stretch of a case's timeline: entries <see cref="From"/> .. From + Items.Count - 1 of <see cref="Total"/>, oldest first.</summary>
public sealed record TimelinePage(int From, int Total, IReadOnlyList<TimelineEntryView> Items);

/// <summary>A stretch of a case's notes: notes <see cref="From"/> .. From + Items.Count - 1 of <see cref="Total"/>, oldest first.</summary>
public sealed record NotesPage(int From, int Total, IReadOnlyList<NoteView> Items);

public static class CasesApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapCasesApi(this RouteGroupBuilder api)
    {
        var cases = api.MapGroup("/cases").WithTags("Cases").RequireAuthorization(AuthenticationExtensions.StaffPolicy);
        cases.MapGet("/{id:guid}", GetAsync).WithName("GetCase")
            .WithSummary("One case with its classification, escalation level, SLA state, timeline, notes, tasks and letters. The ETag carries its version; the read of its text is audited. Analysts get it de-identified: no notes, tasks, letters or reasons.");
        cases.MapGet("/{id:guid}/timeline", TimelineAsync).WithName("GetCaseTimeline")
            .WithSummary("A stretch of the case's whole timeline, oldest first: entries from..from+limit-1 (limit up to 500), archived ones included. Staff's reasons for roles that may read patient data; that read is audited.");
        cases.MapGet("/{id:guid}/notes", NotesAsync).WithName("GetCaseNotes")
            .WithSummary("A stretch of the case's notes, oldest first: notes from..from+limit-1 (limit up to 500), archived ones included. Not for analysts; the read is audited.");
        cases.MapGet("", ListAsync).WithName("ListCases")
            .WithSummary("The worklist: cases in the caller's facilities, filtered (status, severity, level, assignee, department, source, overdue, opened range) and paged; newest first or soonest deadline first (sort=nextDeadline).");
        return api;
    }

    internal static async Task<Results<Ok<CaseView>, NotFound>> GetAsync(
        Guid id, ClaimsPrincipal user, CaseStore cases, CaseTextReader text, HttpContext http, CancellationToken ct)
    {
        var stored = await cases.GetAsync(id, ct);
        // A case outside the caller's facilities is answered as not found, so its existence is not disclosed.
        if (stored is null) return TypedResults.NotFound();
        if (!user.CanAccessFacility(stored.Document.FacilityId))
        {
            await text.RecordRefusedAsync(user, stored.Document, ct);
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = CaseActionsApi.ETagFor(stored.Version);
        return TypedResults.Ok(CaseView.From(stored, await text.ReadAsync(user, stored.Document, ct)));
    }

    internal static async Task<Results<Ok<TimelinePage>, NotFound, ValidationProblem>> TimelineAsync(
        Guid id, ClaimsPrincipal user, CaseStore cases, CaseTextReader text, CancellationToken ct, int from = 0, int limit = 100)
    {
        if (RangeErrors(from, limit) is { } errors) return ProblemResults.Validation(errors);
        var stored = await cases.GetAsync(id, ct);
        if (stored is null) return TypedResults.NotFound();
        var c = stored.Document;
        if (!user.CanAccessFacility(c.FacilityId))
        {
            await text.RecordRefusedAsync(user, c, ct);
            return TypedResults.NotFound();
        }

        var entries = await cases.TimelineAsync(c, from, limit, ct);
        return TypedResults.Ok(new TimelinePage(from, c.TimelineLength, await text.ReadTimelineAsync(user, c, entries, ct)));
    }

    internal static async Task<Results<Ok<NotesPage>, NotFound, ValidationProblem, ProblemHttpResult>> NotesAsync(
        Guid id, ClaimsPrincipal user, CaseStore cases, CaseTextReader text, CancellationToken ct, int from = 0, int limit = 100)
    {
        if (RangeErrors(from, limit) is { } errors) return ProblemResults.Validation(errors);
        var stored = await cases.GetAsync(id, ct);
        if (stored is null) return TypedResults.NotFound();
        var c = stored.Document;
        if (!user.CanAccessFacility(c.FacilityId))
        {
            await text.RecordRefusedAsync(user, c, ct);
            return TypedResults.NotFound();
        }

        if (!user.Has(Permission.ReadPatientData))
        {
            await text.RecordRefusedChangeAsync(user, "case.notes.read", c, ct);
            return ProblemResults.Forbidden("Your role reads reports and de-identified cases, not a case's notes.");
        }

        var notes = await cases.NotesAsync(c, from, limit, ct);
        return TypedResults.Ok(new NotesPage(from, c.ArchivedNoteCount + c.Notes.Count, await text.ReadNotesAsync(user, c, notes, ct)));
    }

    private static Dictionary<string, string[]>? RangeErrors(int from, int limit)
    {
        var errors = new Dictionary<string, string[]>();
        if (from < 0) errors["from"] = ["Must be 0 or more."];
        if (limit is < 1 or > CaseStore.MaxReadSize) errors["limit"] = [$"Must be between 1 and {CaseStore.MaxReadSize}."];
        return errors.Count > 0 ? errors : null;
    }

    internal static async Task<Results<Ok<PagedResponse<CaseView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, CaseStore cases, CancellationToken ct,
        TimeProvider clock,
        string? facilityId = null, string? status = null, DateTimeOffset? createdFrom = null, DateTimeOffset? createdTo = null,
        string? severity = null, string? level = null, string? assignee = null, string? departmentId = null, bool? overdue = null, string? source = null,
        string sort = "openedAt", int page = 1, int pageSize = 25)
    {
        var errors = new Dictionary<string, string[]>();
        Paging.Validate(errors, page, pageSize, DocumentQuery.MaxPageNumber, MaxPageSize);
        if (createdFrom is { } f && createdTo is { } t && f >= t) errors["createdTo"] = ["Must be after createdFrom."];
        var statusFilter = Optional<CaseStatus>(status, "status", errors);
        var severityFilter = Optional<Severity>(severity, "severity", errors);
        var levelFilter = Optional<EscalationLevel>(level, "level", errors);
        var sourceFilter = Optional<CaseSource>(source, "source", errors);
        if (sort is not ("openedAt" or "nextDeadline")) errors["sort"] = ["Must be openedAt or nextDeadline."];
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

        var filter = new CaseFilter(facilities, statusFilter, createdFrom, createdTo)
        {
            Severity = severityFilter, Level = levelFilter, AssigneeId = assignee, DepartmentId = departmentId, Source = sourceFilter, Sort = sort,
            DeadlineBefore = overdue == true ? clock.GetUtcNow() : null,
        };
        var result = await cases.ListAsync(filter, page, pageSize, ct);
        return TypedResults.Ok(new PagedResponse<CaseView>(result.Items.Select(i => CaseView.From(i)).ToList(), result.PageNumber, result.PageSize, result.Total));
    }

    /// <summary>A query-string filter in a vocabulary: absent is null; an unknown value is a validation error naming the allowed ones.</summary>
    private static T? Optional<T>(string? wire, string field, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        if (wire is null) return null;
        if (Wire.TryParse<T>(wire, out var value)) return value;
        errors[field] = ["Must be one of: " + string.Join(", ", Wire.All<T>()) + "."];
        return null;
    }
}
