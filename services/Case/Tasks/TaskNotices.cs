using PatientExperience.Case.Cases;
using PatientExperience.Case.Organisation;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Notification;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Tasks;

/// <summary>
/// Who a department task's notice goes to and what it says. A reminder goes to the task's owner (the person, else the
/// department's head); an overdue task is escalated to the department's head, and its owner is told too. The text names the
/// case number, the department and the due date, never the task's description (staff text, kept encrypted) or anything about
/// the patient; the notification service adds the link to the case in the console.
/// </summary>
public sealed class TaskNotices(IStaffLookup staff, IEscalationDirectory directory)
{
    public const string Sender = "case-service";

    public async Task<SendNotification> ForAsync(DepartmentTask task, TaskNoticeKind kind, Severity severity, DateTimeOffset now, CancellationToken ct)
    {
        var heads = await directory.ResolveRecipientsAsync(task.FacilityId, task.DepartmentId, null, EscalationLevel.Department, ct);
        var owner = task.AssigneeId is { } id ? await staff.FindAsync(task.FacilityId, id, ct) : null;
        IReadOnlyList<StaffRecipient> recipients = owner is null ? heads
            : kind == TaskNoticeKind.Reminder ? [owner] : new[] { owner }.Concat(heads).DistinctBy(r => r.PersonId).ToList();
        return new SendNotification
        {
            NotificationId = DepartmentTask.NoticeIdFor(task.Id, kind), FacilityId = task.FacilityId, CaseId = task.CaseId,
            Title = kind == TaskNoticeKind.Reminder
                ? $"Task due {task.DueAt:yyyy-MM-dd HH:mm} UTC on case {task.CaseNumber}"
                : $"Overdue task on case {task.CaseNumber}",
            Message = kind == TaskNoticeKind.Reminder
                ? $"A task for department {task.DepartmentId} on case {task.CaseNumber} is due {task.DueAt:yyyy-MM-dd HH:mm} UTC. Open the case to see it and complete it."
                : $"A task for department {task.DepartmentId} on case {task.CaseNumber} was due {task.DueAt:yyyy-MM-dd HH:mm} UTC and is still open. It is escalated to the department's head.",
            // Never the pager for a task; the inbox always, email as the people's preferences say.
            Severity = severity == Severity.Critical ? Severity.High : severity,
            Channels = [NotificationChannel.Inbox, NotificationChannel.Email],
            Recipients = recipients, Level = recipients.Count == 0 ? EscalationLevel.Department : null,
            RequestedBy = Sender, RequestedAt = now,
        };
    }
}
