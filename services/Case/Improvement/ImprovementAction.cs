using System.Text.Json.Serialization;
using PatientExperience.Case.Classification;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.ServiceDefaults.Text;
using static PatientExperience.Contracts.Vocabulary.ImprovementActionStatus;

namespace PatientExperience.Case.Improvement;

/// <summary>What staff give to propose an improvement action (as the request carries it, unchecked).</summary>
public sealed record ImprovementActionDraft(
    string? FacilityId, string? DepartmentId, string? Title, string? Theme, IReadOnlyList<Guid>? LinkedCaseIds, string? LinkedSignalId,
    string? OwnerId, DateOnly? DueDate, string? Measure);

/// <summary>
/// A change to how a department works, taken on because of complaints (linked cases) or a statistical signal: owned by one
/// person, due on a date, with a measure of success. It moves <c>proposed -> in-progress -> done -> verified</c>, one step
/// at a time and only forward; verifying needs evidence that the measure was met. Its title, measure and evidence are staff
/// free text and are held encrypted (<c>Protected*</c>); its events carry ids, vocabulary and dates only.
/// </summary>
public sealed class ImprovementAction
{
    public const int MaxTitle = 200;
    public const int MaxText = 4_000;
    public const int MaxLinkedCases = 50;
    public const int MaxId = 100;

    public required Guid Id { get; init; }
    public required string FacilityId { get; init; }
    public required string DepartmentId { get; init; }
    public required string ProtectedTitle { get; init; }
    /// <summary>A complaint category (<see cref="CaseClassifier.Categories"/>).</summary>
    public required string Theme { get; init; }
    public IReadOnlyList<Guid> LinkedCaseIds { get; init; } = [];
    public string? LinkedSignalId { get; init; }
    public required string OwnerId { get; init; }
    public required DateOnly DueDate { get; init; }
    /// <summary>The end of the due date (UTC): the action is overdue from then while still open. Stored for the overdue filter.</summary>
    public required DateTimeOffset DueAt { get; init; }
    public string? ProtectedMeasure { get; init; }
    public required ImprovementActionStatus Status { get; set; }
    public string? ProtectedEvidence { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public string? IdempotencyKey { get; init; }
    /// <summary>How many status changes the action has had (the <see cref="ImprovementActionStatusChanged.Sequence"/> of the last).</summary>
    public int Sequence { get; set; }
    public DateTimeOffset? OverdueNoticeSentAt { get; set; }
    public List<ImprovementActionChange> History { get; init; } = [];

    /// <summary>Still to be carried out: proposed or in progress. Only an open action can be overdue.</summary>
    [JsonIgnore]
    public bool IsOpen => Status is Proposed or InProgress;

    public bool IsOverdueAt(DateTimeOffset now) => IsOpen && now > DueAt;

    [JsonConstructor]
    private ImprovementAction() { }

    /// <summary>The statuses of an open action, for queries.</summary>
    public static readonly IReadOnlyList<ImprovementActionStatus> OpenStatuses = [Proposed, InProgress];

    /// <summary>
    /// Checks a draft's own rules (the directory and the linked cases are checked by <see cref="ImprovementActionChecks"/>)
    /// and proposes the action, or names every field that is wrong.
    /// </summary>
    /// <param name="protectFor">The protect function for the text of the action with the given id.</param>
    public static (ImprovementAction? Action, Dictionary<string, string[]> Errors) Propose(
        ImprovementActionDraft draft, string actor, string? idempotencyKey, Func<Guid, Func<string, string>> protectFor, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        RequireId(draft.FacilityId, "facilityId", errors);
        RequireId(draft.DepartmentId, "departmentId", errors);
        RequireId(draft.OwnerId, "ownerId", errors);
        if (string.IsNullOrWhiteSpace(draft.Title) || draft.Title.Length > MaxTitle) errors["title"] = [$"Must be 1 to {MaxTitle} characters."];
        else if (FreeText.Problem(draft.Title, multiLine: false) is { } titleProblem) errors["title"] = [titleProblem];
        if (draft.Measure is { Length: > MaxText }) errors["measure"] = [$"Must be at most {MaxText} characters."];
        else if (FreeText.Problem(draft.Measure, multiLine: true) is { } measureProblem) errors["measure"] = [measureProblem];
        if (draft.Theme is null || !CaseClassifier.Categories.Contains(draft.Theme)) errors["theme"] = ["Must be one of: " + string.Join(", ", CaseClassifier.Categories) + "."];
        var linked = draft.LinkedCaseIds ?? [];
        if (linked.Count > MaxLinkedCases) errors["linkedCaseIds"] = [$"At most {MaxLinkedCases} cases."];
        else if (linked.Distinct().Count() != linked.Count || linked.Contains(Guid.Empty)) errors["linkedCaseIds"] = ["Each case once, and no empty ids."];
        if (draft.LinkedSignalId is { } signal && (string.IsNullOrWhiteSpace(signal) || signal.Length > 200)) errors["linkedSignalId"] = ["Must be a signal id of 1 to 200 characters, or absent."];
        if (draft.DueDate is not { } due) errors["dueDate"] = ["A due date is required."];
        else if (due < DateOnly.FromDateTime(now.UtcDateTime)) errors["dueDate"] = ["Must be today or later."];
        if (idempotencyKey is { Length: > 200 }) errors["Idempotency-Key"] = ["Must be at most 200 characters."];
        if (errors.Count > 0) return (null, errors);

        var id = Guid.CreateVersion7(now);
        var protect = protectFor(id);
        var action = new ImprovementAction
        {
            Id = id, FacilityId = draft.FacilityId!, DepartmentId = draft.DepartmentId!, ProtectedTitle = protect(draft.Title!),
            Theme = draft.Theme!, LinkedCaseIds = linked, LinkedSignalId = draft.LinkedSignalId, OwnerId = draft.OwnerId!, DueDate = draft.DueDate!.Value,
            DueAt = new DateTimeOffset(draft.DueDate.Value.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            ProtectedMeasure = string.IsNullOrWhiteSpace(draft.Measure) ? null : protect(draft.Measure),
            Status = Proposed, CreatedAt = now, CreatedBy = actor, IdempotencyKey = idempotencyKey,
        };
        action.History.Add(new ImprovementActionChange(now, actor, null, Proposed));
        return (action, errors);
    }

    /// <summary>What an action's title, measure and evidence are bound to: they decrypt on this action only.</summary>
    public static PhiRecord RecordOf(Guid id) => new("improvement-action", id);

    public ImprovementActionProposed ToProposedEvent() => new()
    {
        ActionId = Id, FacilityId = FacilityId, DepartmentId = DepartmentId, Theme = Theme, OwnerId = OwnerId, DueDate = DueDate,
        LinkedCaseIds = LinkedCaseIds, LinkedSignalId = LinkedSignalId, ProposedBy = CreatedBy, ProposedAt = CreatedAt,
    };

    /// <summary>The one status each status may move to.</summary>
    public static ImprovementActionStatus? NextAfter(ImprovementActionStatus status) => status switch
    {
        Proposed => InProgress,
        InProgress => Done,
        Done => Verified,
        _ => null,
    };

    /// <summary>
    /// Moves the action one step forward. Verifying needs evidence (1 to <see cref="MaxText"/> characters, kept encrypted);
    /// any other move, a step skipped or backwards, or a move of a verified action is refused with the reason.
    /// </summary>
    public ImprovementActionOutcome MoveTo(ImprovementActionStatus to, string? evidence, string actor, Func<string, string> protect, DateTimeOffset now)
    {
        if (NextAfter(Status) is not { } next)
            return ImprovementActionOutcome.Conflict("A verified improvement action is finished; propose a new one.");
        if (to != next)
            return ImprovementActionOutcome.Conflict($"A {Status.ToWire()} improvement action can only move to {next.ToWire()}.");
        if (to == Verified)
        {
            if (string.IsNullOrWhiteSpace(evidence) || evidence.Length > MaxText)
                return ImprovementActionOutcome.Invalid("evidence", $"Verifying needs evidence that the measure was met: 1 to {MaxText} characters.");
            if (FreeText.Problem(evidence, multiLine: true) is { } problem) return ImprovementActionOutcome.Invalid("evidence", problem);
            ProtectedEvidence = protect(evidence);
        }
        else if (evidence is not null)
        {
            return ImprovementActionOutcome.Invalid("evidence", "Evidence is given when verifying, not before.");
        }

        var from = Status;
        Status = to;
        Sequence++;
        History.Add(new ImprovementActionChange(now, actor, from, to));
        return ImprovementActionOutcome.Done(new ImprovementActionStatusChanged
        {
            ActionId = Id, FacilityId = FacilityId, DepartmentId = DepartmentId, Theme = Theme, DueDate = DueDate, From = from, To = to,
            Sequence = Sequence, ChangedBy = actor, ChangedAt = now,
        });
    }

    private static void RequireId(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxId) errors[field] = [$"Must be an id of 1 to {MaxId} characters."];
    }
}

/// <summary>One step of an action's life: when, who, from what (null: proposed), to what.</summary>
public sealed record ImprovementActionChange(DateTimeOffset At, string Actor, ImprovementActionStatus? From, ImprovementActionStatus To);

/// <summary>A status change done (with its event) or why not.</summary>
public sealed record ImprovementActionOutcome(ImprovementActionStatusChanged? Event, string? ConflictReason, (string Field, string Message)? InvalidField)
{
    public static ImprovementActionOutcome Done(ImprovementActionStatusChanged e) => new(e, null, null);
    public static ImprovementActionOutcome Conflict(string reason) => new(null, reason, null);
    public static ImprovementActionOutcome Invalid(string field, string message) => new(null, null, (field, message));
}
