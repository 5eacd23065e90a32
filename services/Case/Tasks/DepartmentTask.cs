using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Tasks;

/// <summary>
/// One department task as the cross-case worklist sees it: a read model of a <see cref="CaseTask"/> kept in its own collection
/// (<see cref="DepartmentTaskStore"/>), taken from the case at <see cref="CaseVersion"/>. It holds ids, times and statuses only:
/// the description and completion note stay encrypted in the case. It also records which notices its timers have sent, so a
/// timer that fires twice notifies once.
/// </summary>
public sealed record DepartmentTask
{
    public required Guid Id { get; init; }
    public required Guid CaseId { get; init; }
    public required string CaseNumber { get; init; }
    public required string FacilityId { get; init; }
    public required string DepartmentId { get; init; }
    public string? AssigneeId { get; init; }
    public required CaseTaskStatus Status { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public string? ClosedBy { get; init; }
    /// <summary>The case's status: a task of a resolved or closed case cannot change, and its timers stop.</summary>
    public required CaseStatus CaseStatus { get; init; }
    /// <summary>The version of the case this row was taken from; an older read never overwrites a newer one.</summary>
    public required long CaseVersion { get; init; }
    public DateTimeOffset? ReminderSentAt { get; init; }
    public DateTimeOffset? OverdueNoticeSentAt { get; init; }

    /// <summary>Still to be done: the task is open and its case is being worked. Only such a task has timers running.</summary>
    [JsonIgnore]
    public bool IsLive => Status == CaseTaskStatus.Open && CaseStatus is not (CaseStatus.Resolved or CaseStatus.Closed);

    public bool IsOverdueAt(DateTimeOffset now) => IsLive && DueAt < now;

    /// <summary>The row for a task of a case at a version, keeping the notices already sent.</summary>
    public static DepartmentTask From(CaseFile c, long caseVersion, CaseTask task, DepartmentTask? earlier) => new()
    {
        Id = task.Id, CaseId = c.Id, CaseNumber = c.CaseNumber, FacilityId = c.FacilityId, DepartmentId = task.DepartmentId,
        AssigneeId = task.AssigneeId, Status = task.Status, DueAt = task.DueAt, CreatedAt = task.CreatedAt, CreatedBy = task.CreatedBy,
        ClosedAt = task.ClosedAt, ClosedBy = task.ClosedBy, CaseStatus = c.Status, CaseVersion = caseVersion,
        ReminderSentAt = earlier?.ReminderSentAt, OverdueNoticeSentAt = earlier?.OverdueNoticeSentAt,
    };

    /// <summary>
    /// When the reminder is due: <paramref name="lead"/> before the due date, but only for a task given with more notice than
    /// that (a task due sooner was just given to its owner, which is notice enough).
    /// </summary>
    public DateTimeOffset? ReminderAt(TimeSpan lead) => DueAt - lead > CreatedAt ? DueAt - lead : null;

    public DateTimeOffset? SentAt(TaskNoticeKind kind) => kind == TaskNoticeKind.Reminder ? ReminderSentAt : OverdueNoticeSentAt;

    public DepartmentTask WithSent(TaskNoticeKind kind, DateTimeOffset at) =>
        kind == TaskNoticeKind.Reminder ? this with { ReminderSentAt = at } : this with { OverdueNoticeSentAt = at };

    /// <summary>The scheduling token of the task's timer of a kind: scheduling it again replaces it; cancelling finds it.</summary>
    public static Guid TimerTokenFor(Guid taskId, TaskNoticeKind kind) => Deterministic($"{taskId:N}/timer/{kind.ToWire()}");

    /// <summary>The notification's id for the task's notice of a kind: the notification service tells each recipient once.</summary>
    public static Guid NoticeIdFor(Guid taskId, TaskNoticeKind kind) => Deterministic($"{taskId:N}/notice/{kind.ToWire()}");

    private static Guid Deterministic(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return new Guid(hash[..16]);
    }
}
