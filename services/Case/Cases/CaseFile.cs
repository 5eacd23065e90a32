using System.Text.Json.Serialization;
using PatientExperience.Case.Classification;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Vocabulary;
using static PatientExperience.Contracts.Vocabulary.CaseStatus;

namespace PatientExperience.Case.Cases;

/// <summary>
/// A concern run to resolution: <c>new -> acknowledged -> investigating -> response-sent -> resolved -> closed</c>, and
/// <c>reopened</c>. Every staff action is a method that checks its rule, records who did what in the history and returns
/// the events it causes; the store writes the case and those events atomically. Free text written by staff (notes, task
/// descriptions, letters) is PHI and is held encrypted (<see cref="CaseNote.ProtectedText"/> etc.).
/// The escalation fields are a projection of the case's escalation saga (<see cref="ApplyEscalation"/>).
/// </summary>
public sealed partial class CaseFile
{
    public required Guid Id { get; init; }
    public required string CaseNumber { get; init; }
    public required Guid SubmissionId { get; init; }
    public required string FacilityId { get; init; }
    public string? DepartmentId { get; init; }
    public string? UnitId { get; init; }
    public required FeedbackChannel Channel { get; init; }
    public FeedbackKind? Kind { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    public bool ResponseRequested { get; init; }
    /// <summary>The channel the concern came through: anonymous, staff or integration. Stored before it existed: anonymous.</summary>
    public SubmissionOrigin SubmittedBy { get; init; } = SubmissionOrigin.Anonymous;
    /// <summary>When staff confirmed a critical case from an anonymous channel (it then pages the executive level).</summary>
    public DateTimeOffset? CriticalConfirmedAt { get; set; }

    public string RegulatoryProfile { get; set; } = "cms-hospital";
    public CaseType Classification { get; set; } = CaseType.Complaint;
    public Severity Severity { get; set; } = Severity.Medium;
    public string Category { get; set; } = "other";
    public string? OwningDepartmentId { get; set; }
    public int SlaPolicyVersion { get; init; }

    public required CaseStatus Status { get; set; }
    public string? AssigneeId { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>When the case was last reopened (its response clock restarts then); null if never.</summary>
    public DateTimeOffset? ReopenedAt { get; set; }

    public EscalationLevel EscalationLevel { get; set; } = EscalationLevel.Unit;
    public DateTimeOffset? NextDeadline { get; set; }
    public DeadlineKind? NextDeadlineKind { get; set; }
    /// <summary>on-track, breached, met (resolved in time) or stopped (resolved).</summary>
    public SlaState SlaState { get; set; } = SlaState.OnTrack;
    /// <summary>The saga version the escalation fields were last taken from; older updates are ignored.</summary>
    public long EscalationSequence { get; set; }

    /// <summary>Each escalation of the case (the first, and one per reopening) numbers its status updates within its own block.</summary>
    public const long EscalationSequenceBlock = 1_000_000;

    /// <summary>The most recent notes, oldest first; older ones are in the case's archive (<see cref="ArchivedNoteCount"/>).</summary>
    public List<CaseNote> Notes { get; init; } = [];
    public List<CaseTask> Tasks { get; init; } = [];
    public List<ResponseLetter> Letters { get; init; } = [];
    /// <summary>The most recent timeline entries, oldest first; older ones are in the case's archive (<see cref="ArchivedHistoryCount"/>).</summary>
    public List<CaseHistoryEntry> History { get; init; } = [];

    /// <summary>
    /// How many of the oldest timeline entries were moved out of this document into the case's archive, in chunks (see
    /// <see cref="CaseStore"/>), so a busy case stays small enough to read and write. Entry number n of the whole timeline
    /// (from 0) is archived when n &lt; this, otherwise it is <c>History[n - ArchivedHistoryCount]</c>.
    /// </summary>
    public int ArchivedHistoryCount { get; set; }

    /// <summary>How many of the oldest notes were moved into the case's archive, as for the timeline.</summary>
    public int ArchivedNoteCount { get; set; }

    /// <summary>The number of entries in the whole timeline, archived ones included.</summary>
    public int TimelineLength => ArchivedHistoryCount + History.Count;

    /// <summary>The statuses of a case still being worked (not resolved or closed).</summary>
    public static readonly IReadOnlyList<CaseStatus> OpenStatuses = Wire.Values<CaseStatus>().Where(s => s is not (Resolved or Closed)).ToArray();

    public bool IsOpen => Status is not (Resolved or Closed);

    public bool IsGrievance => Classification == CaseType.Grievance;

    [JsonConstructor]
    private CaseFile() { }

    /// <summary>Opens and classifies the case for a submission. The case number carries the facility's local date.</summary>
    public static CaseFile Open(FeedbackSubmitted submitted, DateTimeOffset now, TimeZoneInfo facilityTimeZone, string regulatoryProfile = "cms-hospital", int slaPolicyVersion = 0)
    {
        var id = Guid.CreateVersion7(now);
        var classification = CaseClassifier.Classify(submitted, regulatoryProfile);
        var c = new CaseFile
        {
            Id = id,
            CaseNumber = NumberFor(id, TimeZoneInfo.ConvertTime(now, facilityTimeZone)),
            SubmissionId = submitted.SubmissionId,
            FacilityId = submitted.FacilityId,
            DepartmentId = submitted.DepartmentId,
            UnitId = submitted.UnitId,
            Channel = submitted.Channel,
            Kind = submitted.Kind,
            OpenedAt = now,
            SubmittedAt = submitted.SubmittedAt,
            ResponseRequested = submitted.ResponseRequested,
            RegulatoryProfile = regulatoryProfile,
            Classification = classification.Type,
            Severity = classification.Severity,
            Category = classification.Category,
            OwningDepartmentId = classification.OwningDepartmentId,
            SlaPolicyVersion = slaPolicyVersion,
            Status = New,
            PreferredLanguage = Organisation.LanguageTag.Normalise(submitted.PreferredLanguage),
            PatientReference = submitted.PatientReference,
            SubmittedBy = submitted.SubmittedBy,
        };
        c.Record(now, "system", "opened", $"Opened from a {submitted.Channel.ToWire()} submission");
        c.Record(now, "system", "classified", $"{c.Classification.ToWire()}, {c.Severity.ToWire()}, {c.Category}. " + string.Join(" ", classification.Reasons));
        return c;
    }

    public CaseOpened ToOpenedEvent() => new()
    {
        CaseId = Id,
        CaseNumber = CaseNumber,
        SubmissionId = SubmissionId,
        Source = Source,
        SurveyResponseId = SurveyResponseId,
        DischargeId = DischargeId,
        FacilityId = FacilityId,
        DepartmentId = DepartmentId,
        UnitId = UnitId,
        Channel = Channel,
        Kind = Kind,
        Status = Status,
        OpenedAt = OpenedAt,
        Classification = Classification,
        Severity = Severity,
        Category = Category,
        SlaPolicyVersion = SlaPolicyVersion,
        StatusPageOffered = true,
        SubmittedBy = SubmittedBy,
    };

    /// <summary>
    /// A critical case from an anonymous channel that staff have not confirmed and that has not reached the executive level
    /// (by a missed deadline or a manual escalation): its triage (patient-relations leads, compliance) has it, no one was paged.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool AwaitingTriage => IsOpen && Severity == Severity.Critical && SubmittedBy == SubmissionOrigin.Anonymous
        && CriticalConfirmedAt is null && EscalationLevel != EscalationLevel.Executive;

    /// <summary>
    /// Acknowledges the case at its current escalation level. A new (or reopened) case becomes acknowledged; a case escalated
    /// after its first acknowledgement can be acknowledged again by the people of its new level, which stops that level's clock.
    /// </summary>
    public CaseActionResult Acknowledge(string actor, DateTimeOffset now)
    {
        if (!IsOpen) return CaseActionResult.Conflict($"A {Status.ToWire()} case cannot be acknowledged.");
        if (Status is New or Reopened) Status = Acknowledged;
        AcknowledgedAt ??= now;
        Record(now, actor, "acknowledged", $"Acknowledged at escalation level {EscalationLevel.ToWire()}");
        return CaseActionResult.Done(new CaseAcknowledged { CaseId = Id, FacilityId = FacilityId, Level = EscalationLevel, AcknowledgedBy = actor, AcknowledgedAt = now });
    }

    /// <summary>Acknowledges the case (see above) with an optional note, kept encrypted by <paramref name="protect"/>.</summary>
    public CaseActionResult Acknowledge(string actor, string? note, Func<string, string> protect, DateTimeOffset now)
    {
        if (!IsOpen) return CaseActionResult.Conflict($"A {Status.ToWire()} case cannot be acknowledged."); // before the note: a closed case is a 409 whatever the note
        if (StaffInput.OptionalNote(note) is { } invalid) return invalid;
        var result = Acknowledge(actor, now);
        if (!string.IsNullOrWhiteSpace(note)) AddProtectedNote(actor, protect(note), now);
        return result;
    }

    public CaseActionResult Assign(string actor, string? assigneeId, string? departmentId, IReadOnlyList<StaffRecipient> recipients, DateTimeOffset now)
    {
        if (!IsOpen) return CaseActionResult.Conflict($"A {Status.ToWire()} case cannot be assigned; reopen it first.");
        if (assigneeId is null && departmentId is null) return CaseActionResult.Invalid("assigneeId", "Give an assignee, a department, or both.");
        if (assigneeId is not null) AssigneeId = assigneeId;
        if (departmentId is not null) OwningDepartmentId = departmentId;
        if (Status == Acknowledged) Status = Investigating;
        Record(now, actor, "assigned", $"Assigned to {assigneeId ?? "(unchanged)"}, department {departmentId ?? OwningDepartmentId ?? "(none)"}");
        return CaseActionResult.Done(new CaseAssigned
        {
            CaseId = Id, FacilityId = FacilityId, AssigneeId = AssigneeId, DepartmentId = OwningDepartmentId, AssignedBy = actor, AssignedAt = now,
            Severity = Severity, Recipients = recipients,
        });
    }

    /// <summary>Adds a note of 1 to <see cref="StaffInput.MaxText"/> characters, kept encrypted by <paramref name="protect"/>.</summary>
    public CaseActionResult AddNote(string actor, string? text, Func<string, string> protect, DateTimeOffset now) =>
        StaffInput.Text(text, "text") ?? AddProtectedNote(actor, protect(text!), now);

    private CaseActionResult AddProtectedNote(string actor, string protectedText, DateTimeOffset now)
    {
        var note = new CaseNote(Guid.CreateVersion7(now), now, actor, protectedText);
        Notes.Add(note);
        Record(now, actor, "note-added", $"Note {note.Id}");
        return CaseActionResult.Done();
    }

    /// <summary>
    /// Gives a department a task on an open case: a department, a description and a due date in the future are required; a
    /// person in the department may be named as its owner.
    /// </summary>
    public CaseActionResult AddTask(string actor, string? departmentId, string? description, DateTimeOffset? dueAt, Func<string, string> protect, DateTimeOffset now, string? assigneeId = null)
    {
        if (string.IsNullOrWhiteSpace(departmentId)) return CaseActionResult.Invalid("departmentId", "A department is required.");
        if (dueAt is null) return CaseActionResult.Invalid("dueAt", "A due date is required.");
        if (StaffInput.Text(description, "description") is { } invalid) return invalid;
        if (assigneeId is not null && (string.IsNullOrWhiteSpace(assigneeId) || assigneeId.Length > StaffInput.MaxId))
            return CaseActionResult.Invalid("assigneeId", $"Must be a person id of 1 to {StaffInput.MaxId} characters, or absent.");
        return AddTask(actor, departmentId, assigneeId, protect(description!), dueAt.Value, now);
    }

    private CaseActionResult AddTask(string actor, string departmentId, string? assigneeId, string protectedDescription, DateTimeOffset dueAt, DateTimeOffset now)
    {
        if (!IsOpen) return CaseActionResult.Conflict($"A {Status.ToWire()} case takes no new tasks.");
        if (dueAt <= now) return CaseActionResult.Invalid("dueAt", "Must be in the future.");
        var task = new CaseTask(Guid.CreateVersion7(now), departmentId, protectedDescription, dueAt, now, actor) { AssigneeId = assigneeId };
        Tasks.Add(task);
        if (Status == Acknowledged) Status = Investigating;
        Record(now, actor, "task-added", $"Task {task.Id} for {departmentId}, due {dueAt:u}");
        return CaseActionResult.Done(new CaseTaskAssigned
        {
            CaseId = Id, TaskId = task.Id, FacilityId = FacilityId, DepartmentId = departmentId, AssigneeId = assigneeId, DueAt = dueAt,
            AssignedBy = actor, AssignedAt = now,
        });
    }

    /// <summary>
    /// Completes an open task of an open case, with an optional note kept encrypted by <paramref name="protect"/>. A task
    /// already done or cancelled, or a task of a resolved or closed case, is a conflict; an unknown task is not found.
    /// </summary>
    public CaseActionResult CompleteTask(string actor, Guid taskId, string? note, Func<string, string> protect, DateTimeOffset now)
    {
        var (index, refusal) = OpenTask(taskId);
        if (refusal is not null) return refusal;
        if (StaffInput.OptionalNote(note) is { } invalid) return invalid;
        Tasks[index] = Tasks[index] with
        {
            Status = CaseTaskStatus.Done, ClosedAt = now, ClosedBy = actor,
            ProtectedCompletionNote = string.IsNullOrWhiteSpace(note) ? null : protect(note),
        };
        Record(now, actor, "task-completed", $"Task {taskId}");
        return CaseActionResult.Done(new CaseTaskCompleted { CaseId = Id, TaskId = taskId, FacilityId = FacilityId, CompletedBy = actor, CompletedAt = now });
    }

    /// <summary>Cancels an open task of an open case; the reason (1 to <see cref="StaffInput.MaxReason"/> characters) is kept in the history.</summary>
    public CaseActionResult CancelTask(string actor, Guid taskId, string? reason, Func<string, string> protect, DateTimeOffset now)
    {
        var (index, refusal) = OpenTask(taskId);
        if (refusal is not null) return refusal;
        if (StaffInput.Reason(reason) is { } invalid) return invalid;
        Tasks[index] = Tasks[index] with { Status = CaseTaskStatus.Cancelled, ClosedAt = now, ClosedBy = actor };
        RecordReason(now, actor, "task-cancelled", $"Task {taskId}", reason!, protect);
        return CaseActionResult.Done(new CaseTaskCancelled { CaseId = Id, TaskId = taskId, FacilityId = FacilityId, CancelledBy = actor, CancelledAt = now });
    }

    /// <summary>The index of an open task of this open case, or why it cannot change.</summary>
    private (int Index, CaseActionResult? Refusal) OpenTask(Guid taskId)
    {
        var index = Tasks.FindIndex(t => t.Id == taskId);
        if (index < 0) return (-1, CaseActionResult.NotFound($"The case has no task {taskId}."));
        if (!IsOpen) return (index, CaseActionResult.Conflict($"The tasks of a {Status.ToWire()} case cannot change; reopen it first."));
        if (Tasks[index].Status != CaseTaskStatus.Open) return (index, CaseActionResult.Conflict($"The task is already {Tasks[index].Status.ToWire()}."));
        return (index, null);
    }

    /// <summary>
    /// Records a letter to the complainant. A final response must name the contact person, the steps taken to investigate,
    /// the results and the date of completion (CMS 42 CFR 482.13(a)(2)(iii)); missing elements are refused, named.
    /// </summary>
    public CaseActionResult RecordLetter(string actor, ResponseLetterDraft letter, Func<LetterContent, string> protect, DateTimeOffset now) =>
        StaffInput.Letter(letter) ?? RecordLetter(actor, letter.Kind, letter.Facts, () => protect(letter.Content), now);

    private CaseActionResult RecordLetter(string actor, string? kindOnTheWire, LetterFacts facts, Func<string> protectedBody, DateTimeOffset now)
    {
        if (!IsOpen) return CaseActionResult.Conflict($"A {Status.ToWire()} case takes no letters; reopen it first.");
        if (!Wire.TryParse<LetterKind>(kindOnTheWire, out var kind)) return CaseActionResult.Invalid("kind", "Must be interim or final.");
        if (kind == LetterKind.Final && facts.MissingElements() is { Count: > 0 } missing) return CaseActionResult.Incomplete(missing);
        var letter = new ResponseLetter(Guid.CreateVersion7(now), kind, now, actor, facts.ContactName, facts.CompletionDate, protectedBody());
        Letters.Add(letter);
        if (kind == LetterKind.Final) Status = ResponseSent;
        Record(now, actor, kind == LetterKind.Final ? "response-letter-issued" : "interim-notice-issued", $"Letter {letter.Id}");
        return CaseActionResult.Done(new ResponseLetterIssued
        {
            CaseId = Id, FacilityId = FacilityId, SubmissionId = SubmissionId, LetterId = letter.Id, Kind = kind, IssuedBy = actor, IssuedAt = now,
        });
    }

    public CaseActionResult Resolve(string actor, DateTimeOffset now)
    {
        if (!IsOpen) return CaseActionResult.Conflict($"The case is already {Status.ToWire()}.");
        if (IsGrievance && !Letters.Any(l => l.Kind == LetterKind.Final))
            return CaseActionResult.Incomplete(["responseLetter"], "A grievance cannot be resolved before its final response letter is recorded.");
        Status = Resolved;
        ResolvedAt = now;
        Record(now, actor, "resolved", null);
        return CaseActionResult.Done(new CaseResolved { CaseId = Id, FacilityId = FacilityId, SubmissionId = SubmissionId, ResolvedBy = actor, ResolvedAt = now, Severity = Severity });
    }

    public CaseActionResult Close(string actor, DateTimeOffset now)
    {
        if (Status != Resolved) return CaseActionResult.Conflict($"Only a resolved case can be closed; this one is {Status.ToWire()}.");
        Status = Closed;
        ClosedAt = now;
        Record(now, actor, "closed", null);
        return CaseActionResult.Done(new CaseClosed { CaseId = Id, FacilityId = FacilityId, ClosedBy = actor, ClosedAt = now });
    }

    public CaseActionResult Reopen(string actor, string? reason, Func<string, string> protect, DateTimeOffset now)
    {
        if (StaffInput.Reason(reason) is { } invalid) return invalid;
        if (IsOpen) return CaseActionResult.Conflict($"The case is {Status.ToWire()}, not resolved or closed.");
        Status = Reopened;
        ResolvedAt = null;
        ClosedAt = null;
        AcknowledgedAt = null;
        ReopenedAt = now;
        // The reopened case's escalation is a new saga: its status updates are numbered from a new block, above any late
        // update of the one that ended, so those are ignored and the new saga's are applied.
        EscalationSequence = (EscalationSequence / EscalationSequenceBlock + 1) * EscalationSequenceBlock;
        RecordReason(now, actor, "reopened", null, reason!, protect);
        return CaseActionResult.Done(new CaseReopened { CaseId = Id, FacilityId = FacilityId, ReopenedBy = actor, ReopenedAt = now, Severity = Severity });
    }

    public CaseActionResult RequestEscalation(string actor, string? reason, Func<string, string> protect, DateTimeOffset now)
    {
        if (StaffInput.Reason(reason) is { } invalid) return invalid;
        if (!IsOpen) return CaseActionResult.Conflict($"A {Status.ToWire()} case cannot be escalated.");
        if (EscalationLevel.Next() is null) return CaseActionResult.Conflict("The case is already at the executive level.");
        RecordReason(now, actor, "escalation-requested", null, reason!, protect);
        // The reason stays in the case's history, encrypted: the command carries no staff text.
        return CaseActionResult.Done(new CaseEscalationRequested { CaseId = Id, RequestedBy = actor, RequestedAt = now });
    }

    /// <summary>
    /// Staff confirm, after triage, that a critical case from an anonymous channel is what it says: the escalation moves it to
    /// the executive level at once (<see cref="CaseCriticalConfirmed"/>), paging as a critical case from staff would. Only while
    /// it awaits triage; otherwise 409 and nothing changes (staff may instead reclassify its severity down).
    /// </summary>
    public CaseActionResult ConfirmCritical(string actor, DateTimeOffset now)
    {
        if (!IsOpen) return CaseActionResult.Conflict($"A {Status.ToWire()} case cannot be confirmed critical.");
        if (Severity != Severity.Critical) return CaseActionResult.Conflict($"The case is {Severity.ToWire()}, not critical: there is nothing to confirm.");
        if (!AwaitingTriage) return CaseActionResult.Conflict("The case is not awaiting triage: it came through an authenticated channel, was confirmed already or has reached the executive level.");
        CriticalConfirmedAt = now;
        Record(now, actor, "critical-confirmed", "Confirmed critical after triage; the executive level is told");
        return CaseActionResult.Done(new CaseCriticalConfirmed { CaseId = Id, ConfirmedBy = actor, ConfirmedAt = now });
    }

    /// <summary>
    /// Staff change the classification to known values (a <see cref="CaseType"/>, a <see cref="Severity"/> and a category of
    /// <see cref="CaseClassifier"/>, as their wire strings), giving a reason; the previous values and the reason are kept in
    /// the history.
    /// </summary>
    public CaseActionResult Reclassify(string actor, string? typeOnTheWire, string? severityOnTheWire, string? category, string? owningDepartmentId, string? reason, Func<string, string> protect, DateTimeOffset now)
    {
        CaseType? type = null;
        Severity? severity = null;
        if (typeOnTheWire is not null)
        {
            if (!Wire.TryParse<CaseType>(typeOnTheWire, out var parsed)) return CaseActionResult.Invalid("type", "Must be complaint or grievance.");
            type = parsed;
        }

        if (severityOnTheWire is not null)
        {
            if (!Wire.TryParse<Severity>(severityOnTheWire, out var parsed)) return CaseActionResult.Invalid("severity", "Must be low, medium, high or critical.");
            severity = parsed;
        }

        if (category is not null && !CaseClassifier.Categories.Contains(category)) return CaseActionResult.Invalid("category", "Must be one of: " + string.Join(", ", CaseClassifier.Categories) + ".");
        if (StaffInput.Reason(reason) is { } invalid) return invalid;
        var changes = new List<string>();
        if (type is { } t && t != Classification) { changes.Add($"type {Classification.ToWire()} -> {t.ToWire()}"); Classification = t; }
        if (severity is { } s && s != Severity) { changes.Add($"severity {Severity.ToWire()} -> {s.ToWire()}"); Severity = s; }
        if (category is not null && category != Category) { changes.Add($"category {Category} -> {category}"); Category = category; }
        if (owningDepartmentId is not null && owningDepartmentId != OwningDepartmentId) { changes.Add($"department {OwningDepartmentId ?? "(none)"} -> {owningDepartmentId}"); OwningDepartmentId = owningDepartmentId; }
        if (changes.Count == 0) return CaseActionResult.Invalid("classification", "Nothing would change.");
        RecordReason(now, actor, "reclassified", string.Join("; ", changes) + ".", reason!, protect);
        return CaseActionResult.Done();
    }

    /// <summary>
    /// Takes the escalation saga's view (level, next deadline, SLA state). Updates older than the last applied one are
    /// ignored, so redelivered or reordered updates never move the case backwards. Returns false when nothing changed.
    /// </summary>
    public bool ApplyEscalation(long sequence, EscalationLevel level, DateTimeOffset? nextDeadline, DeadlineKind? nextDeadlineKind, SlaState slaState, string? historyAction, string? historyDetail, DateTimeOffset at)
    {
        if (sequence <= EscalationSequence) return false;
        EscalationSequence = sequence;
        EscalationLevel = level;
        NextDeadline = nextDeadline;
        NextDeadlineKind = nextDeadlineKind;
        SlaState = slaState;
        if (historyAction is not null) Record(at, "system", historyAction, historyDetail);
        return true;
    }

    private void Record(DateTimeOffset at, string actor, string action, string? detail) => History.Add(new CaseHistoryEntry(at, actor, action, detail));

    /// <summary>A line whose staff-written reason is kept encrypted like a note, beside the platform's own words.</summary>
    private void RecordReason(DateTimeOffset at, string actor, string action, string? detail, string reason, Func<string, string> protect) =>
        History.Add(new CaseHistoryEntry(at, actor, action, detail) { ProtectedReason = protect(reason) });

    /// <summary>
    /// A reference staff can read out on the phone: the local date opened and 8 hex digits of the case id's random tail
    /// (32 bits a day). The store keeps case numbers unique; on the rare collision the case is opened again with a new id.
    /// </summary>
    private static string NumberFor(Guid id, DateTimeOffset localNow) =>
        $"PX-{localNow:yyMMdd}-{id.ToString("N")[^8..].ToUpperInvariant()}";
}

/// <summary>One line of the case's timeline: when, who, what (the platform's words), and why (staff's words, encrypted).</summary>
public sealed record CaseHistoryEntry(DateTimeOffset At, string Actor, string Action, string? Detail)
{
    /// <summary>The reason staff gave (reopen, escalate, reclassify, cancel a task), encrypted like a note; never shown decrypted outside the case's detail view.</summary>
    public string? ProtectedReason { get; init; }
}

public sealed record CaseNote(Guid Id, DateTimeOffset At, string Author, string ProtectedText);

/// <summary>
/// A department's task on a case, owned by the department and optionally by one person in it. It is open until it is done
/// (with an optional completion note, kept encrypted like notes) or cancelled (with a reason, kept in the case's history).
/// </summary>
public sealed record CaseTask(Guid Id, string DepartmentId, string ProtectedDescription, DateTimeOffset DueAt, DateTimeOffset CreatedAt, string CreatedBy)
{
    /// <summary>The person who owns the task, if any (otherwise the department as a whole).</summary>
    public string? AssigneeId { get; init; }
    public CaseTaskStatus Status { get; init; } = CaseTaskStatus.Open;
    public string? ProtectedCompletionNote { get; init; }
    /// <summary>When it was completed or cancelled, and by whom.</summary>
    public DateTimeOffset? ClosedAt { get; init; }
    public string? ClosedBy { get; init; }
}

/// <summary>A letter as stored: the elements CMS requires are checked before it is recorded; its full text is encrypted.</summary>
public sealed record ResponseLetter(Guid Id, LetterKind Kind, DateTimeOffset IssuedAt, string IssuedBy, string? ContactName, DateOnly? CompletionDate, string ProtectedBody);

/// <summary>The elements of a written response, as staff give them.</summary>
public sealed record LetterFacts(string? ContactName, string? StepsTaken, string? Results, DateOnly? CompletionDate)
{
    public IReadOnlyList<string> MissingElements()
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(ContactName)) missing.Add("contactName");
        if (string.IsNullOrWhiteSpace(StepsTaken)) missing.Add("stepsTaken");
        if (string.IsNullOrWhiteSpace(Results)) missing.Add("results");
        if (CompletionDate is null) missing.Add("completionDate");
        return missing;
    }
}

/// <summary>A letter as staff write it: its kind (<c>interim</c> or <c>final</c>), the elements a final response must name, and its body.</summary>
public sealed record ResponseLetterDraft(string? Kind, string? ContactName, string? StepsTaken, string? Results, DateOnly? CompletionDate, string? Body)
{
    public LetterFacts Facts => new(ContactName, StepsTaken, Results, CompletionDate);

    /// <summary>The full text, as kept encrypted with the case.</summary>
    public LetterContent Content => new(ContactName, StepsTaken, Results, CompletionDate, Body);
}

/// <summary>The outcome of a staff action: done (with the events it causes), or why not.</summary>
public sealed record CaseActionResult
{
    public IReadOnlyList<object> Events { get; init; } = [];
    public string? ConflictReason { get; init; }
    public IReadOnlyList<string>? MissingElements { get; init; }
    public string? MissingDetail { get; init; }
    public (string Field, string Message)? InvalidField { get; init; }
    /// <summary>What the action names inside the case (a task) does not exist.</summary>
    public string? NotFoundReason { get; init; }

    public bool Succeeded => ConflictReason is null && MissingElements is null && InvalidField is null && NotFoundReason is null;

    public static CaseActionResult Done(params object[] events) => new() { Events = events };
    public static CaseActionResult Conflict(string reason) => new() { ConflictReason = reason };
    public static CaseActionResult Incomplete(IReadOnlyList<string> missing, string? detail = null) => new() { MissingElements = missing, MissingDetail = detail };
    public static CaseActionResult Invalid(string field, string message) => new() { InvalidField = (field, message) };
    public static CaseActionResult NotFound(string reason) => new() { NotFoundReason = reason };
}
