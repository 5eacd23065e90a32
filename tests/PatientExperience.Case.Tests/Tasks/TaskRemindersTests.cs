using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Tasks;
using PatientExperience.Contracts.Notification;
using PatientExperience.Messaging.Scheduling;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests.Tasks;

/// <summary>
/// Department task timers on a clock the test moves (the platform's durable scheduler on the fake clock): a reminder to the
/// owner a day before the due date, escalation to the department head when overdue, once each however often a timer fires,
/// and nothing for a task done, cancelled or on a resolved case.
/// </summary>
public sealed class TaskRemindersTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly EscalationApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Staff => _app.ClientFor("patient-relations", Samples.Riverside);

    /// <summary>Acts on the case's current version; as a console would, reads it again when the saga moved it meanwhile (412).</summary>
    private async Task<long> ActAsync(Guid caseId, string path, object body)
    {
        HttpResponseMessage response;
        var attempt = 0;
        do
        {
            var current = (await _app.Cases.GetAsync(caseId, Ct))!;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{caseId}/{path}") { Content = JsonContent.Create(body) };
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{current.Version}\"");
            response = await Staff.SendAsync(request, Ct);
        }
        while (response.StatusCode == System.Net.HttpStatusCode.PreconditionFailed && ++attempt < 5);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return long.Parse(response.Headers.ETag!.Tag.Trim('"'));
    }

    private async Task<Guid> AddTaskAsync(Guid caseId, string department, string? assignee, TimeSpan dueIn)
    {
        await ActAsync(caseId, "tasks", new { departmentId = department, assigneeId = assignee, description = "Ask Mr Delacroix-Banerjee about the bill", dueAt = _app.Clock.GetUtcNow().Add(dueIn) });
        return (await _app.Cases.GetAsync(caseId, Ct))!.Document.Tasks.Last().Id;
    }

    private IDocumentCollection<ScheduledMessageDocument> Timers =>
        _app.Services.GetRequiredKeyedService<IDocumentStore>(CaseModule.ServiceName).Collection<ScheduledMessageDocument>(ScheduledMessages.Definition);

    private async Task<bool> TimerPendingAsync(Guid taskId, TaskNoticeKind kind) =>
        await Timers.GetAsync(DepartmentTask.TimerTokenFor(taskId, kind).ToString("D"), Ct) is not null;

    private IReadOnlyList<SendNotification> NoticesFor(Guid taskId) =>
        _app.Published<SendNotification>().Where(n => n.NotificationId == DepartmentTask.NoticeIdFor(taskId, TaskNoticeKind.Reminder)
            || n.NotificationId == DepartmentTask.NoticeIdFor(taskId, TaskNoticeKind.Overdue)).ToList();

    [Fact]
    public async Task A_task_reminds_its_owner_a_day_before_and_escalates_to_the_department_head_when_overdue_once_each()
    {
        var c = (await _app.OpenAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false })).Document;
        var taskId = await AddTaskAsync(c.Id, "emergency", "rg-ed-adult-manager", TimeSpan.FromDays(3));
        await Eventually.UntilAsync(async () => await TimerPendingAsync(taskId, TaskNoticeKind.Reminder) && await TimerPendingAsync(taskId, TaskNoticeKind.Overdue), "both timers set");

        _app.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        var reminder = await _app.PublishedAsync<SendNotification>(n => n.NotificationId == DepartmentTask.NoticeIdFor(taskId, TaskNoticeKind.Reminder));
        Assert.Equal(["rg-ed-adult-manager"], reminder.Recipients.Select(r => r.PersonId));
        Assert.Equal((Samples.Riverside, c.Id), (reminder.FacilityId, reminder.CaseId));
        Assert.Contains(c.CaseNumber, reminder.Title);
        Assert.Equal([NotificationChannel.Inbox, NotificationChannel.Email], reminder.Channels);

        _app.Clock.Advance(TimeSpan.FromDays(1));
        var overdue = await _app.PublishedAsync<SendNotification>(n => n.NotificationId == DepartmentTask.NoticeIdFor(taskId, TaskNoticeKind.Overdue));
        Assert.Equal(["rg-ed-adult-manager", "rg-emergency-head"], overdue.Recipients.Select(r => r.PersonId));
        Assert.Contains(c.CaseNumber, overdue.Message);
        foreach (var notice in new[] { reminder, overdue })
            Assert.DoesNotContain("Delacroix", notice.Title + notice.Message);

        var worklist = await Staff.GetFromJsonAsync<PagedResponse<TaskWorklistItem>>("/api/v1/tasks?overdue=true&departmentId=emergency", Ct);
        var row = Assert.Single(worklist!.Items);
        Assert.Equal((taskId, true), (row.TaskId, row.Overdue));
        Assert.NotNull(row.ReminderSentAt);
        Assert.NotNull(row.OverdueNoticeSentAt);

        // Both timers fire again (a redelivery, a second replica): nobody is told twice.
        var endpoint = await _app.Harness.Bus.GetSendEndpoint(new Uri($"queue:{TaskTimers.Queue}"));
        foreach (var kind in new[] { TaskNoticeKind.Reminder, TaskNoticeKind.Overdue })
            await endpoint.Send(new TaskNoticeDue { TaskId = taskId, CaseId = c.Id, Kind = kind, DueAt = row.DueAt, TokenId = DepartmentTask.TimerTokenFor(taskId, kind) }, Ct);
        await Eventually.UntilAsync(() => _app.Harness.Consumed.Select<TaskNoticeDue>(new CancellationToken(true)).Count(m => m.Context.Message.TaskId == taskId) >= 4, "the repeated timers consumed");
        Assert.Equal(2, NoticesFor(taskId).Count);
    }

    [Fact]
    public async Task Tasks_done_cancelled_or_on_a_resolved_case_lose_their_timers_and_tell_no_one()
    {
        var c = (await _app.OpenAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false })).Document;
        var done = await AddTaskAsync(c.Id, "emergency", "rg-ed-adult-manager", TimeSpan.FromDays(3));
        var cancelled = await AddTaskAsync(c.Id, "billing", null, TimeSpan.FromDays(3));
        var open = await AddTaskAsync(c.Id, "medicine", null, TimeSpan.FromDays(3));
        await Eventually.UntilAsync(async () => await TimerPendingAsync(open, TaskNoticeKind.Overdue) && await TimerPendingAsync(cancelled, TaskNoticeKind.Overdue)
            && await TimerPendingAsync(done, TaskNoticeKind.Overdue), "every task's timers set");

        await ActAsync(c.Id, $"tasks/{done}/complete", new { note = "Spoke to the family" });
        await ActAsync(c.Id, $"tasks/{cancelled}/cancel", new { reason = "Not a billing matter" });
        // Through the outbox relay, the bus and the task events' consumer: on a CI host running every test assembly at once
        // this has taken over 20 s, so it is given a minute (it is over as soon as the timers are gone).
        foreach (var task in new[] { done, cancelled })
            await Eventually.UntilAsync(async () => !await TimerPendingAsync(task, TaskNoticeKind.Reminder) && !await TimerPendingAsync(task, TaskNoticeKind.Overdue),
                TimeSpan.FromMinutes(1), "the closed task's timers cancelled", Ct);
        Assert.True(await TimerPendingAsync(open, TaskNoticeKind.Overdue));

        // The one still open tells its department head when overdue; the others tell no one, even if a timer escaped.
        var endpoint = await _app.Harness.Bus.GetSendEndpoint(new Uri($"queue:{TaskTimers.Queue}"));
        var dueAt = (await _app.Cases.GetAsync(c.Id, Ct))!.Document.Tasks.Single(t => t.Id == done).DueAt;
        await endpoint.Send(new TaskNoticeDue { TaskId = done, CaseId = c.Id, Kind = TaskNoticeKind.Overdue, DueAt = dueAt }, Ct);
        _app.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        var overdue = await _app.PublishedAsync<SendNotification>(n => n.NotificationId == DepartmentTask.NoticeIdFor(open, TaskNoticeKind.Overdue));
        Assert.Equal(["rg-medicine-head"], overdue.Recipients.Select(r => r.PersonId));
        await Eventually.UntilAsync(() => _app.Harness.Consumed.Select<TaskNoticeDue>(new CancellationToken(true)).Any(m => m.Context.Message.TaskId == done), "the escaped timer consumed");
        Assert.Empty(NoticesFor(done));
        Assert.Empty(NoticesFor(cancelled));
    }

    /// <summary>
    /// Two consumers of one case's events race: one reads the task open, the other closes it and cancels its timers, and
    /// only then does the first set the timers for the row it read. Before the timers were kept in step with the row
    /// (read again after setting them), they outlived the task.
    /// </summary>
    [Fact]
    public async Task Timers_set_late_for_a_task_read_before_it_was_done_are_cancelled_again()
    {
        var c = (await _app.OpenAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false })).Document;
        var task = await AddTaskAsync(c.Id, "emergency", "rg-ed-adult-manager", TimeSpan.FromDays(3));
        await Eventually.UntilAsync(async () => await TimerPendingAsync(task, TaskNoticeKind.Reminder) && await TimerPendingAsync(task, TaskNoticeKind.Overdue), "both timers set");
        var readOpen = (await _app.Services.GetRequiredService<DepartmentTaskStore>().GetAsync(task, Ct))!.Document;
        Assert.True(readOpen.IsLive);

        await ActAsync(c.Id, $"tasks/{task}/complete", new { note = "Spoke to the family" });
        await Eventually.UntilAsync(async () => !await TimerPendingAsync(task, TaskNoticeKind.Reminder) && !await TimerPendingAsync(task, TaskNoticeKind.Overdue),
            TimeSpan.FromMinutes(1), "the done task's timers cancelled", Ct);

        await ActivatorUtilities.CreateInstance<DepartmentTaskProjection>(_app.Services).ApplyTimersAsync(null, readOpen, Ct);

        Assert.False(await TimerPendingAsync(task, TaskNoticeKind.Reminder));
        Assert.False(await TimerPendingAsync(task, TaskNoticeKind.Overdue));
    }

    /// <summary>The same race the other way: a consumer read the task on the resolved case and cancels after reopening set the timers again.</summary>
    [Fact]
    public async Task Timers_cancelled_late_for_a_task_read_before_its_case_reopened_are_set_again()
    {
        var c = (await _app.OpenAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false })).Document;
        var task = await AddTaskAsync(c.Id, "surgery", null, TimeSpan.FromDays(3));
        await Eventually.UntilAsync(() => TimerPendingAsync(task, TaskNoticeKind.Overdue), "the task's timer set");
        await ActAsync(c.Id, "resolve", new { });
        var rows = _app.Services.GetRequiredService<DepartmentTaskStore>();
        await Eventually.UntilAsync(async () => (await rows.GetAsync(task, Ct))!.Document.IsLive == false && !await TimerPendingAsync(task, TaskNoticeKind.Overdue),
            TimeSpan.FromMinutes(1), "the resolved case's task timers cancelled", Ct);
        var readResolved = (await rows.GetAsync(task, Ct))!.Document;

        await ActAsync(c.Id, "reopen", new { reason = "The patient called back" });
        await Eventually.UntilAsync(() => TimerPendingAsync(task, TaskNoticeKind.Overdue), TimeSpan.FromMinutes(1), "the timer set again on reopening", Ct);

        await ActivatorUtilities.CreateInstance<DepartmentTaskProjection>(_app.Services).ApplyTimersAsync(null, readResolved, Ct);

        Assert.True(await TimerPendingAsync(task, TaskNoticeKind.Overdue));
    }

    [Fact]
    public async Task Resolving_the_case_stops_its_open_tasks_timers_and_reopening_sets_them_again()
    {
        var c = (await _app.OpenAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false })).Document;
        var task = await AddTaskAsync(c.Id, "surgery", null, TimeSpan.FromDays(3));
        await Eventually.UntilAsync(() => TimerPendingAsync(task, TaskNoticeKind.Overdue), "the task's timer set");

        await ActAsync(c.Id, "resolve", new { });
        await Eventually.UntilAsync(async () => !await TimerPendingAsync(task, TaskNoticeKind.Overdue) && !await TimerPendingAsync(task, TaskNoticeKind.Reminder), "the timers of the resolved case's task cancelled");

        await ActAsync(c.Id, "reopen", new { reason = "The patient called back" });
        await Eventually.UntilAsync(() => TimerPendingAsync(task, TaskNoticeKind.Overdue), "the timer set again on reopening");
    }
}
