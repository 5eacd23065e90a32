using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>What a department task's timer tells people (wire: <c>reminder</c>, <c>overdue</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<TaskNoticeKind>))]
public enum TaskNoticeKind
{
    /// <summary>Before the due date, to the task's owner (the person, else the department's head).</summary>
    Reminder,
    /// <summary>At the due date of a task still open: escalated to the department's head (and the owner).</summary>
    Overdue,
}
