using System.Net.Http.Json;
using PatientExperience.Case.Improvement;
using PatientExperience.Contracts.Notification;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Messaging.Scheduling;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests.Improvement;

/// <summary>An improvement action's overdue reminder on a clock the test moves: once, to its owner and the department head; none once it is done.</summary>
public sealed class ImprovementActionOverdueTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly EscalationApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Staff => _app.ClientFor("patient-relations", Samples.Riverside);

    private async Task<ImprovementActionView> ProposeAsync(string department, string owner)
    {
        var response = await Staff.PostAsJsonAsync("/api/v1/improvement-actions", new
        {
            facilityId = Samples.Riverside, departmentId = department, title = "Discharge leaflets in Spanish", theme = "discharge",
            ownerId = owner, dueDate = DateOnly.FromDateTime(_app.Clock.GetUtcNow().UtcDateTime.AddDays(2)),
        }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<ImprovementActionView>(Ct))!;
    }

    private async Task MoveAsync(Guid actionId, string status)
    {
        var current = (await Staff.GetFromJsonAsync<ImprovementActionView>($"/api/v1/improvement-actions/{actionId}", Ct))!;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/improvement-actions/{actionId}/status") { Content = JsonContent.Create(new { status }) };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{current.Version}\"");
        Assert.True((await Staff.SendAsync(request, Ct)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task An_open_action_past_its_due_date_reminds_its_owner_and_the_department_head_once_and_a_done_one_no_one()
    {
        var open = await ProposeAsync("medicine", "rg-4-west-manager");
        var finished = await ProposeAsync("maternity", "rg-maternity-head");
        foreach (var status in new[] { "in-progress", "done" }) await MoveAsync(finished.Id, status);

        await Eventually.UntilAsync(() => _app.Harness.Consumed.Select<Contracts.Case.ImprovementActionStatusChanged>(new CancellationToken(true)).Count(m => m.Context.Message.ActionId == finished.Id) == 2,
            "the finished action's timer handled");
        _app.Clock.Advance(TimeSpan.FromDays(3));

        var notice = await _app.PublishedAsync<SendNotification>(n => n.NotificationId == ImprovementActionTimers.NoticeIdFor(open.Id));
        Assert.Equal(["rg-4-west-manager", "rg-medicine-head"], notice.Recipients.Select(r => r.PersonId));
        Assert.DoesNotContain("leaflets", notice.Title + notice.Message);
        var overdue = await Staff.GetFromJsonAsync<PagedResponse<ImprovementActionView>>("/api/v1/improvement-actions?overdue=true", Ct);
        var row = Assert.Single(overdue!.Items);
        Assert.Equal((open.Id, true), (row.Id, row.Overdue));
        Assert.NotNull(row.OverdueNoticeSentAt);

        // The timer again (a redelivery): told once.
        var endpoint = await _app.Harness.Bus.GetSendEndpoint(new Uri($"queue:{ImprovementActionTimers.Queue}"));
        await endpoint.Send(new ImprovementActionDue { ActionId = open.Id }, Ct);
        await endpoint.Send(new ImprovementActionDue { ActionId = finished.Id }, Ct);
        await Eventually.UntilAsync(() => _app.Harness.Consumed.Select<ImprovementActionDue>(new CancellationToken(true)).Count() >= 3, "the repeated timers consumed");
        Assert.Single(_app.Published<SendNotification>(), n => n.NotificationId == ImprovementActionTimers.NoticeIdFor(open.Id));
        Assert.DoesNotContain(_app.Published<SendNotification>(), n => n.NotificationId == ImprovementActionTimers.NoticeIdFor(finished.Id));
    }

    private async Task<bool> TimerPendingAsync(Guid actionId) =>
        await _app.Services.GetRequiredKeyedService<IDocumentStore>(CaseModule.ServiceName).Collection<ScheduledMessageDocument>(ScheduledMessages.Definition)
            .GetAsync(ImprovementActionTimers.TokenFor(actionId).ToString("D"), Ct) is not null;

    /// <summary>
    /// The consumer of the action's proposal read it open; the action was done and its timer cancelled before that consumer
    /// set the timer. Before the timer was kept in step with the action (read again after setting it), it outlived the action.
    /// </summary>
    [Fact]
    public async Task A_timer_set_late_for_an_action_read_before_it_was_done_is_cancelled_again()
    {
        var action = await ProposeAsync("medicine", "rg-4-west-manager");
        await Eventually.UntilAsync(() => TimerPendingAsync(action.Id), "the action's timer set");
        var actions = _app.Services.GetRequiredService<ImprovementActionStore>();
        var readOpen = (await actions.GetAsync(action.Id, Ct))!;

        foreach (var status in new[] { "in-progress", "done" }) await MoveAsync(action.Id, status);
        await Eventually.UntilAsync(async () => !await TimerPendingAsync(action.Id), TimeSpan.FromMinutes(1), "the done action's timer cancelled", Ct);

        await ActivatorUtilities.CreateInstance<ImprovementActionTimers>(_app.Services).ApplyAsync(null, readOpen, Ct);

        Assert.False(await TimerPendingAsync(action.Id));
    }
}
