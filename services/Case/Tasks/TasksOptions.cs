using System.ComponentModel.DataAnnotations;

namespace PatientExperience.Case.Tasks;

/// <summary>Bound from <c>Tasks</c>; validated at start-up.</summary>
public sealed class TasksOptions
{
    public const string Section = "Tasks";

    /// <summary>How long before a task's due date its owner is reminded (a task given with less notice gets no reminder).</summary>
    [Range(1, 24 * 14, ErrorMessage = "Tasks:ReminderLeadHours must be between 1 and 336.")]
    public int ReminderLeadHours { get; set; } = 24;

    public TimeSpan ReminderLead => TimeSpan.FromHours(ReminderLeadHours);
}
