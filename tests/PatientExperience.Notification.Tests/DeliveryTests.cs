using System.Net.Http.Json;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Notification;
using PatientExperience.Notification.Deliveries;

namespace PatientExperience.Notification.Tests;

/// <summary>An escalation reaches the people at the new level on the channels their severity calls for, once however often it arrives.</summary>
public sealed class DeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_escalation_emails_the_department_head_with_a_link_to_the_case_and_fills_their_inbox()
    {
        await using var app = await NotificationApp.StartAsync();
        var c = app.KnownCase();

        await app.Publish(Samples.Escalated(c));

        var all = await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 2, "the email and the inbox entry to be delivered");
        Assert.Equal(["email", "inbox"], all.Select(d => d.Channel).Order());
        Assert.All(all, d => Assert.Equal(Samples.DepartmentHead.PersonId, d.RecipientId));
        var email = Assert.Single(app.Smtp.To(Samples.DepartmentHead.Email!));
        Assert.Contains(c.CaseNumber, email.Subject, StringComparison.Ordinal);
        Assert.Contains($"{NotificationApp.ConsoleBaseUrl}/cases/{c.CaseId}", email.Body, StringComparison.Ordinal);
        Assert.Contains("Emergency Department", email.Body, StringComparison.Ordinal);
        Assert.Equal("smtp", all.Single(d => d.Channel == "email").Transport);
        // Medium severity: no SMS or page by default.
        Assert.Empty(app.Webhooks.Calls);

        var delivered = await Eventually(() => app.Published<NotificationDelivered>().Where(n => n.CaseId == c.CaseId).ToList(), l => l.Count == 2, "NotificationDelivered for both");
        Assert.All(delivered, n => Assert.Equal(Samples.DepartmentHead.PersonId, n.RecipientId));
    }

    [Fact]
    public async Task The_same_escalation_arriving_again_sends_nothing_new()
    {
        await using var app = await NotificationApp.StartAsync();
        var c = app.KnownCase("critical");
        var escalated = Samples.Escalated(c, "critical", "executive", Samples.Executive);

        await app.Publish(escalated);
        await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 4, "email, SMS, page and inbox to be delivered");

        // Redelivered once more, then eight copies at once (a relay that published twice, a redelivery after a crash).
        await app.Publish(escalated);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.Publish(escalated)));
        await PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<CaseEscalated>() == 10), TimeSpan.FromSeconds(15), "all ten copies to be consumed", Ct);

        var all = await app.AllDeliveriesAsync();
        Assert.Equal(4, all.Count);
        Assert.Single(app.Smtp.To(Samples.Executive.Email!));
        Assert.Single(app.Webhooks.To(Samples.Executive.Phone!));
        Assert.Single(app.Webhooks.To(Samples.Executive.Pager!));
        Assert.Equal(4, app.Published<NotificationDelivered>().Count(n => n.CaseId == c.CaseId));
    }

    [Fact]
    public async Task A_second_send_notification_with_the_same_id_notifies_nobody_twice()
    {
        await using var app = await NotificationApp.StartAsync();
        var command = new SendNotification
        {
            NotificationId = Guid.NewGuid(), FacilityId = FakeCaseDirectory.Facility, Title = "Ward round moved", Message = "The review meeting is at 3 pm.",
            Severity = Severity.Low, Recipients = [Samples.UnitManager], Channels = [NotificationChannel.Email, NotificationChannel.Inbox], RequestedBy = "test", RequestedAt = NotificationApp.Start,
        };

        await app.Publish(command);
        await app.Publish(command);
        await PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<SendNotification>() == 2), TimeSpan.FromSeconds(15), "both copies to be consumed", Ct);
        await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 2, "the email and inbox entry");

        var email = Assert.Single(app.Smtp.To(Samples.UnitManager.Email!));
        Assert.Equal("[low] Ward round moved", email.Subject);
        Assert.Contains("The review meeting is at 3 pm.", email.Body, StringComparison.Ordinal);
        Assert.Equal(2, (await app.AllDeliveriesAsync()).Count);
    }

    [Fact]
    public async Task Recipients_come_from_the_case_service_when_the_event_names_none()
    {
        await using var app = await NotificationApp.StartAsync();
        app.Directory.Levels["unit"] = [Samples.UnitManager];
        var c = app.KnownCase();

        await app.Publish(new SlaBreached
        {
            CaseId = c.CaseId, FacilityId = c.FacilityId, Level = EscalationLevel.Unit, Deadline = DeadlineKind.Acknowledge, DueAt = NotificationApp.Start.AddMinutes(-1),
            BreachedAt = NotificationApp.Start, Severity = Severity.Medium,
        });

        await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 2, "the unit manager's email and inbox entry");
        Assert.Contains(app.Directory.ResolveCalls, call => call.CaseId == c.CaseId && call.Level == "unit");
        var email = Assert.Single(app.Smtp.To(Samples.UnitManager.Email!));
        Assert.Contains("acknowledge deadline", email.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_of_the_facility_can_see_every_deliverys_status_for_a_case_and_others_cannot()
    {
        await using var app = await NotificationApp.StartAsync();
        var c = app.KnownCase("critical");
        await app.Publish(Samples.Escalated(c, "critical", "executive", Samples.Executive));
        await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 4, "all four channels");

        var staff = app.ClientFor("rg-patient-relations", "patient-relations");
        var list = await staff.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/notifications?caseId={c.CaseId}", Ct);
        Assert.Equal(4, list.GetProperty("total").GetInt32());
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["email", "inbox", "pager", "sms"], items.Select(i => i.GetProperty("channel").GetString()).Order());
        Assert.All(items, i => Assert.Equal("delivered", i.GetProperty("status").GetString()));
        // Ids and status only: the address and text are not part of the view.
        Assert.DoesNotContain(Samples.Executive.Email!, list.ToString(), StringComparison.Ordinal);

        var one = items[0].GetProperty("id").GetGuid();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await staff.GetAsync($"/api/v1/notifications/{one}", Ct)).StatusCode);

        var elsewhere = app.ClientFor("mv-patient-relations", "patient-relations", "mesa-valley");
        var none = await elsewhere.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/notifications?caseId={c.CaseId}", Ct);
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await elsewhere.GetAsync($"/api/v1/notifications/{one}", Ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await elsewhere.GetAsync($"/api/v1/notifications?facilityId={c.FacilityId}", Ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/v1/notifications", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_list_narrows_to_a_creation_range_so_a_program_can_read_more_than_paging_reaches()
    {
        await using var app = await NotificationApp.StartAsync();
        var morning = app.KnownCase();
        await app.Publish(Samples.Escalated(morning));
        await app.DeliveriesWhenAsync(d => d.Count(x => x.CaseId == morning.CaseId && x.Status == DeliveryStatus.Delivered) == 2, "the morning's deliveries");
        app.Clock.Advance(TimeSpan.FromHours(1));
        var later = app.KnownCase();
        await app.Publish(Samples.Escalated(later));
        await app.DeliveriesWhenAsync(d => d.Count(x => x.CaseId == later.CaseId && x.Status == DeliveryStatus.Delivered) == 2, "the later deliveries");

        var staff = app.ClientFor("rg-patient-relations", "patient-relations");
        var half = Uri.EscapeDataString((NotificationApp.Start + TimeSpan.FromMinutes(30)).ToString("O"));
        async Task<List<Guid?>> CasesListed(string query)
        {
            var list = await staff.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/notifications?facilityId={morning.FacilityId}&{query}", Ct);
            return [.. list.GetProperty("items").EnumerateArray().Select(i => (Guid?)i.GetProperty("caseId").GetGuid()).Distinct()];
        }

        Assert.Equal([later.CaseId], await CasesListed($"createdFrom={half}"));
        Assert.Equal([morning.CaseId], await CasesListed($"createdTo={half}"));
        var backwards = await staff.GetAsync($"/api/v1/notifications?createdFrom={half}&createdTo={half}", Ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("createdTo", await backwards.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static async Task<T> Eventually<T>(Func<T> probe, Func<T, bool> condition, string because) where T : class =>
        await PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(probe() is var v && condition(v) ? v : null), TimeSpan.FromSeconds(15), because, Ct);
}
