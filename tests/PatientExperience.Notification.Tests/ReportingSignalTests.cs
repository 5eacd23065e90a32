using System.Net.Http.Json;
using System.Text.Json;
using PatientExperience.Contracts.Reporting;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Deliveries;

namespace PatientExperience.Notification.Tests;

/// <summary>A reporting signal tells the unit's department head, in the inbox and by email, once per signal, with no patient detail.</summary>
public sealed class ReportingSignalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReportingSignalRaised Signal() => new()
    {
        SignalId = ReportingSignalRaised.IdOf(FakeCaseDirectory.Facility, "ed-adult", "complaints-per-1000-discharges", SignalRule.AboveUpperLimit, "week", new DateOnly(2026, 3, 2)),
        FacilityId = FakeCaseDirectory.Facility, DepartmentId = "emergency", UnitId = "ed-adult", Measure = "complaints-per-1000-discharges",
        Rule = SignalRule.AboveUpperLimit, Period = new DateOnly(2026, 3, 2), Interval = "week", Value = 200, Centre = 40, UpperLimit = 174.16,
        RaisedAt = NotificationApp.Start,
    };

    [Fact]
    public async Task The_department_head_hears_of_a_signal_in_the_inbox_and_by_email_once_however_often_it_arrives()
    {
        await using var app = await NotificationApp.StartAsync();
        app.Directory.Levels["department"] = [Samples.DepartmentHead];
        var signal = Signal();

        await app.Publish(signal);
        await app.Publish(signal);
        await app.Publish(signal with { RaisedAt = NotificationApp.Start.AddHours(1) });
        var delivered = await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 2 && app.ConsumedCount<ReportingSignalRaised>() == 3,
            "the inbox entry and the email, after all three copies were consumed");

        Assert.Equal(["email", "inbox"], delivered.Select(d => d.Channel).Order());
        Assert.All(delivered, d => Assert.Equal((Samples.DepartmentHead.PersonId, "reporting-signal"), (d.RecipientId, d.Event)));
        Assert.Contains(app.Directory.ResolveCalls, c => c == (null, "department"));

        var email = Assert.Single(app.Smtp.To(Samples.DepartmentHead.Email!));
        Assert.Equal("Signal: Adult ED, complaints per 1,000 discharges", email.Subject);
        Assert.Contains("Adult ED (Emergency Department) at Riverside General Hospital: complaints per 1,000 discharges was 200 in the week of 2026-03-02.", email.Body);
        Assert.Contains("a point above the upper control limit (centre line 40, upper control limit 174.16)", email.Body);
        var link = $"{NotificationApp.ConsoleBaseUrl}/reports/signals?facilityId=riverside-general&unitId=ed-adult&interval=week&from=2026-03-02";
        Assert.Contains(link, email.Body);
        Assert.DoesNotContain(Samples.PatientName, email.Body);

        var inbox = await app.ClientFor(Samples.DepartmentHead.PersonId).GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox", Ct);
        var entry = Assert.Single(inbox.GetProperty("items").EnumerateArray());
        Assert.Equal(("reporting-signal", "Signal: Adult ED, complaints per 1,000 discharges", link),
            (entry.GetProperty("event").GetString(), entry.GetProperty("title").GetString(), entry.GetProperty("link").GetString()));
    }
}
