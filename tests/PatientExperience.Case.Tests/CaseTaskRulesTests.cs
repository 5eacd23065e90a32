using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Tests;

/// <summary>Completing and cancelling a department's task, checked on the aggregate itself: no HTTP, no store.</summary>
public sealed class CaseTaskRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 15, 0, 0, TimeSpan.Zero);

    private static string Protect(string text) => "protected:" + text;

    private static (CaseFile Case, Guid TaskId) WithTask(string? assigneeId = null)
    {
        var c = CaseFile.Open(Samples.Feedback(kind: "complaint"), Now.AddHours(-1), TimeZoneInfo.Utc);
        Assert.True(c.AddTask("pr-1", "emergency", "Review the triage log", Now.AddDays(3), Protect, Now, assigneeId).Succeeded);
        return (c, c.Tasks[0].Id);
    }

    [Fact]
    public void A_new_task_is_open_and_owned_by_its_department_and_the_person_named()
    {
        var (c, _) = WithTask("dr-ortiz");

        var task = Assert.Single(c.Tasks);
        Assert.Equal((CaseTaskStatus.Open, "emergency", "dr-ortiz"), (task.Status, task.DepartmentId, task.AssigneeId));
        Assert.Null(task.ClosedAt);
    }

    [Fact]
    public void A_blank_owner_is_refused_naming_the_field()
    {
        var c = CaseFile.Open(Samples.Feedback(kind: "complaint"), Now.AddHours(-1), TimeZoneInfo.Utc);

        var result = c.AddTask("pr-1", "emergency", "Review the triage log", Now.AddDays(3), Protect, Now, " ");

        Assert.Equal("assigneeId", result.InvalidField?.Field);
        Assert.Empty(c.Tasks);
    }

    [Fact]
    public void Completing_a_task_keeps_its_note_protected_and_records_who_and_when()
    {
        var (c, taskId) = WithTask();

        var result = c.CompleteTask("dh-1", taskId, "Triage times reviewed with the charge nurse.", Protect, Now.AddHours(2));

        Assert.True(result.Succeeded);
        var task = Assert.Single(c.Tasks);
        Assert.Equal((CaseTaskStatus.Done, "dh-1", Now.AddHours(2)), (task.Status, task.ClosedBy, task.ClosedAt));
        Assert.Equal("protected:Triage times reviewed with the charge nurse.", task.ProtectedCompletionNote);
        Assert.Equal(("task-completed", $"Task {taskId}"), (c.History[^1].Action, c.History[^1].Detail));
    }

    [Fact]
    public void A_task_completed_without_a_note_has_none()
    {
        var (c, taskId) = WithTask();

        Assert.True(c.CompleteTask("dh-1", taskId, "  ", Protect, Now).Succeeded);
        Assert.Null(c.Tasks[0].ProtectedCompletionNote);
    }

    [Fact]
    public void Cancelling_a_task_needs_a_reason_kept_in_the_history()
    {
        var (c, taskId) = WithTask();

        Assert.Equal("reason", c.CancelTask("pr-1", taskId, "", Protect, Now).InvalidField?.Field);
        Assert.Equal(CaseTaskStatus.Open, c.Tasks[0].Status);

        Assert.True(c.CancelTask("pr-1", taskId, "Raised with the wrong department", Protect, Now).Succeeded);
        Assert.Equal((CaseTaskStatus.Cancelled, "pr-1"), (c.Tasks[0].Status, c.Tasks[0].ClosedBy));
        Assert.Equal("task-cancelled", c.History[^1].Action);
        Assert.Equal($"Task {taskId}", c.History[^1].Detail);
        Assert.Equal("protected:Raised with the wrong department", c.History[^1].ProtectedReason);
    }

    [Fact]
    public void A_task_done_or_cancelled_cannot_change_again()
    {
        var (done, doneId) = WithTask();
        Assert.True(done.CompleteTask("dh-1", doneId, null, Protect, Now).Succeeded);
        var (cancelled, cancelledId) = WithTask();
        Assert.True(cancelled.CancelTask("pr-1", cancelledId, "Duplicate", Protect, Now).Succeeded);
        var historyLengths = (done.History.Count, cancelled.History.Count);

        Assert.NotNull(done.CompleteTask("dh-1", doneId, "again", Protect, Now).ConflictReason);
        Assert.NotNull(done.CancelTask("pr-1", doneId, "too late", Protect, Now).ConflictReason);
        Assert.NotNull(cancelled.CompleteTask("dh-1", cancelledId, null, Protect, Now).ConflictReason);
        Assert.NotNull(cancelled.CancelTask("pr-1", cancelledId, "again", Protect, Now).ConflictReason);
        Assert.Equal((CaseTaskStatus.Done, CaseTaskStatus.Cancelled), (done.Tasks[0].Status, cancelled.Tasks[0].Status));
        Assert.Equal(historyLengths, (done.History.Count, cancelled.History.Count));
    }

    [Fact]
    public void The_tasks_of_a_resolved_case_cannot_change()
    {
        var (c, taskId) = WithTask();
        c.Reclassify("pr-1", "complaint", null, null, null, "Not a grievance after all.", Protect, Now);
        Assert.True(c.Resolve("pr-1", Now).Succeeded);

        Assert.NotNull(c.CompleteTask("dh-1", taskId, null, Protect, Now).ConflictReason);
        Assert.NotNull(c.CancelTask("pr-1", taskId, "Resolved anyway", Protect, Now).ConflictReason);
        Assert.Equal(CaseTaskStatus.Open, c.Tasks[0].Status);
    }

    [Fact]
    public void An_unknown_task_is_not_found()
    {
        var (c, _) = WithTask();

        Assert.NotNull(c.CompleteTask("dh-1", Guid.NewGuid(), null, Protect, Now).NotFoundReason);
        Assert.NotNull(c.CancelTask("pr-1", Guid.NewGuid(), "x", Protect, Now).NotFoundReason);
    }

    [Theory]
    [InlineData("unit-manager", true, false)]
    [InlineData("department-head", true, true)]
    [InlineData("advocate", true, true)]
    [InlineData("analyst", false, false)]
    public void Anyone_who_works_cases_completes_a_task_but_only_those_who_give_tasks_cancel_them(string role, bool complete, bool cancel)
    {
        Assert.Equal(complete, CaseActionRoles.Allows(CaseActionRoles.CompleteTask, r => r == role));
        Assert.Equal(cancel, CaseActionRoles.Allows(CaseActionRoles.CancelTask, r => r == role));
    }
}
