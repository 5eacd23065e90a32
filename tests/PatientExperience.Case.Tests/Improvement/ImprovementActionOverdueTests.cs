using System.Net.Http.Json;
using PatientExperience.Case.Improvement;
using PatientExperience.Contracts.Notification;
using PatientExperience.ServiceDefaults.Http;

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

    [Fact]
    public async Task An_open_action_past_its_due_date_reminds_its_owner_and_the_department_head_once_and_a_done_one_no_one()
    {
        var open = await ProposeAsync("medicine", "rg-4-west-manager");
        var finished = await ProposeAsync("maternity", "rg-maternity-head");
        foreach (var status in new[] { "in-progress", "done" })
        {
            var current = (await Staff.GetFromJsonAsync<ImprovementActionView>($"/api/v1/improvement-actions/{finished.Id}", Ct))!;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/improvement-actions/{finished.Id}/status") { Content = JsonContent.Create(new { status }) };
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{current.Version}\"");
            Assert.True((await Staff.SendAsync(request, Ct)).IsSuccessStatusCode);
        }

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
}
