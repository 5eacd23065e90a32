using System.Net.Http.Json;
using PatientExperience.Contracts.Notification;
using PatientExperience.Notification.Deliveries;
using SmtpServer.Protocol;

namespace PatientExperience.Notification.Tests;

/// <summary>Transient failures are retried durably with back-off until the server is back; permanent ones fail with a reason and fall back.</summary>
public sealed class ReliabilityTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task With_the_smtp_server_down_for_two_minutes_no_email_is_lost()
    {
        await using var app = await NotificationApp.StartAsync();
        await app.Smtp.StopAsync();
        var cases = Enumerable.Range(0, 5).Select(_ => app.KnownCase()).ToList();

        foreach (var c in cases) await app.Publish(Samples.Escalated(c));

        // Every email fails (connection refused) and waits for a scheduled retry; the inbox entries are not held up.
        var waiting = await app.DeliveriesWhenAsync(d => d.Count(x => x.Channel == "email" && x.Status == DeliveryStatus.Retrying) == 5
                && d.Count(x => x.Channel == "inbox" && x.Status == DeliveryStatus.Delivered) == 5, "five emails to wait for a retry and five inbox entries to be delivered");
        Assert.All(waiting.Where(d => d.Channel == "email"), d => Assert.Equal("connection-refused", d.Reason));

        // Two minutes of outage on the clock: retries keep failing, spaced further and further apart.
        var outageEnds = app.Clock.GetUtcNow().AddMinutes(2);
        while (app.Clock.GetUtcNow() < outageEnds) await app.StepAsync(Step);

        var duringOutage = await app.DeliveriesWhenAsync(d => d.Where(x => x.Channel == "email").All(x => x.Status == DeliveryStatus.Retrying && x.Attempts >= 3),
            "each email to have been tried at least three times during the outage");
        Assert.Empty(app.Smtp.Received);
        foreach (var email in duringOutage.Where(d => d.Channel == "email"))
        {
            var attempts = email.History.Where(h => h.Outcome == DeliveryStatus.Retrying).Select(h => h.At).ToList();
            var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b - a).ToList();
            // Exponential back-off: each wait at least as long as the one before (the clock moves in 5 s steps, so allow one step).
            Assert.All(gaps.Zip(gaps.Skip(1)), p => Assert.True(p.Second + Step >= p.First, $"gaps {string.Join(", ", gaps)}"));
            Assert.True(gaps[^1] > gaps[0], $"gaps {string.Join(", ", gaps)}");
        }

        app.Smtp.StartListening();
        var after = await app.AdvanceUntilAsync(Step, TimeSpan.FromMinutes(10), d => d.Where(x => x.Channel == "email").All(x => x.Status == DeliveryStatus.Delivered),
            "every email to be delivered once the server is back");

        Assert.Equal(5, app.Smtp.Received.Count);
        Assert.All(cases, c => Assert.Single(app.Smtp.Received, m => m.Subject.Contains(c.CaseNumber, StringComparison.Ordinal)));
        Assert.All(after.Where(d => d.Channel == "email"), d => Assert.True(d.Attempts >= 4, $"{d.Attempts} attempts"));
    }

    [Fact]
    public async Task An_smtp_4xx_reply_is_retried_until_the_server_accepts()
    {
        await using var app = await NotificationApp.StartAsync();
        var refusals = 0;
        app.Smtp.RecipientPolicy = _ => Interlocked.Increment(ref refusals) <= 2 ? new SmtpResponse(SmtpReplyCode.Aborted, "Try again later") : null;
        var c = app.KnownCase();

        await app.Publish(Samples.Escalated(c));
        await app.DeliveriesWhenAsync(d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Retrying && x.Reason == "smtp-451"), "the 451 to be retried");
        var delivered = await app.AdvanceUntilAsync(Step, TimeSpan.FromMinutes(5), d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Delivered), "the email to be delivered");

        Assert.Equal(3, delivered.Single(d => d.Channel == "email").Attempts);
        Assert.Single(app.Smtp.To(Samples.DepartmentHead.Email!));
    }

    [Fact]
    public async Task Transient_failures_for_longer_than_the_retry_window_fail_with_the_reason()
    {
        await using var app = await NotificationApp.StartAsync();
        await app.Smtp.StopAsync();
        var c = app.KnownCase();

        await app.Publish(Samples.Escalated(c));
        await app.DeliveriesWhenAsync(d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Retrying), "the first retry to be scheduled");
        var failed = await app.AdvanceUntilAsync(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(90), d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Failed),
            "the email to fail once the window is spent");

        var email = failed.Single(d => d.Channel == "email");
        Assert.Equal("retries-exhausted:connection-refused", email.Reason);
        // At least the configured window (60 minutes) passed between the first attempt and giving up.
        Assert.True(email.FailedAt - email.History[0].At >= TimeSpan.FromMinutes(60), $"{email.History[0].At:o} -> {email.FailedAt:o}");
        // Medium severity: no fallback channel.
        Assert.Null(email.FallbackChannel);
        var published = await PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(app.Published<NotificationFailed>().FirstOrDefault(f => f.DeliveryId == email.Id)),
            TimeSpan.FromSeconds(15), "NotificationFailed", TestContext.Current.CancellationToken);
        Assert.Equal("retries-exhausted:connection-refused", published.Reason);
    }

    [Fact]
    public async Task A_permanent_smtp_refusal_of_a_high_severity_case_falls_back_to_sms()
    {
        await using var app = await NotificationApp.StartAsync();
        await SetPreferencesAsync(app, Samples.DepartmentHead.PersonId, high: ["email"]);
        app.Smtp.RecipientPolicy = _ => new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "No such user");
        var c = app.KnownCase("high");
        using var metrics = new PatientExperience.Testing.RecordedMetrics("pxp.notification.fallbacks", "pxp.notification.attempts");

        await app.Publish(Samples.Escalated(c, "high"));
        var all = await app.DeliveriesWhenAsync(d => d.Any(x => x.Channel == "sms" && x.Status == DeliveryStatus.Delivered), "the SMS fallback to be delivered");

        var email = all.Single(d => d.Channel == "email");
        Assert.Equal(DeliveryStatus.Failed, email.Status);
        Assert.Equal("smtp-550", email.Reason);
        Assert.Equal(1, email.Attempts);
        Assert.Equal("sms", email.FallbackChannel);
        Assert.Equal(email.Id, all.Single(d => d.Channel == "sms").FallbackOf);
        var sms = Assert.Single(app.Webhooks.To(Samples.DepartmentHead.Phone!));
        Assert.True(sms.SignatureValid);
        Assert.Contains(c.CaseNumber, sms.Text, StringComparison.Ordinal);
        var failed = await PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(app.Published<NotificationFailed>().FirstOrDefault(f => f.DeliveryId == email.Id)),
            TimeSpan.FromSeconds(15), "NotificationFailed", TestContext.Current.CancellationToken);
        Assert.Equal("sms", failed.FallbackChannel.ToWire());
        Assert.Equal("smtp-550", failed.Reason);
        // Counted by channel (other tests run in parallel on the same process-wide counters: at least this one).
        Assert.NotEmpty(metrics.Of("pxp.notification.fallbacks", ("channel", "email"), ("fallback", "sms")));
        Assert.NotEmpty(metrics.Of("pxp.notification.attempts", ("channel", "email"), ("outcome", "permanent")));
        Assert.All(metrics.All, m => Assert.Empty(m.Tags.Keys.Except(["channel", "fallback", "outcome", "transport"])));
    }

    [Fact]
    public async Task A_permanent_refusal_of_a_medium_severity_case_has_no_fallback()
    {
        await using var app = await NotificationApp.StartAsync();
        app.Smtp.RecipientPolicy = _ => new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "No such user");
        var c = app.KnownCase();

        await app.Publish(Samples.Escalated(c, "medium"));
        var all = await app.DeliveriesWhenAsync(d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Failed), "the email to fail");

        Assert.Null(all.Single(d => d.Channel == "email").FallbackChannel);
        Assert.DoesNotContain(all, d => d.Channel == "sms");
        Assert.Empty(app.Webhooks.Calls);
    }

    [Fact]
    public async Task A_critical_page_refused_by_the_provider_falls_back_and_a_provider_outage_is_retried()
    {
        await using var app = await NotificationApp.StartAsync();
        await SetPreferencesAsync(app, Samples.Executive.PersonId, critical: ["pager"]);
        var smsFailures = 0;
        // The paging provider rejects the request (400); the SMS provider is down once (503), then accepts.
        app.Webhooks.Status = call => call.Channel == "pager" ? 400 : Interlocked.Increment(ref smsFailures) == 1 ? 503 : 200;
        var c = app.KnownCase("critical");

        await app.Publish(Samples.Escalated(c, "critical", "executive", Samples.Executive));
        await app.DeliveriesWhenAsync(d => d.Any(x => x.Channel == "sms" && x.Status == DeliveryStatus.Retrying), "the SMS fallback to meet the outage");
        var all = await app.AdvanceUntilAsync(Step, TimeSpan.FromMinutes(2), d => d.Any(x => x.Channel == "sms" && x.Status == DeliveryStatus.Delivered), "the SMS to be delivered");

        var pager = all.Single(d => d.Channel == "pager");
        Assert.Equal("webhook-400", pager.Reason);
        Assert.Equal("sms", pager.FallbackChannel);
        var sms = all.Single(d => d.Channel == "sms");
        Assert.Equal(2, sms.Attempts);
        Assert.Equal("webhook-503", sms.History.First(h => h.Outcome == DeliveryStatus.Retrying).Reason);
        // Every attempt of one delivery carries the same idempotency key, so the provider can tell a repeat.
        Assert.All(app.Webhooks.Calls.Where(x => x.Channel == "sms"), x => Assert.Equal(sms.Id.ToString(), x.IdempotencyKey));
        Assert.All(app.Webhooks.Calls, x => Assert.True(x.SignatureValid));
    }

    internal static async Task SetPreferencesAsync(NotificationApp app, string personId, string[]? high = null, string[]? critical = null,
        object? quietHours = null, string? timeZone = null, string[]? medium = null)
    {
        var client = app.ClientFor(personId);
        var response = await client.PutAsJsonAsync("/api/v1/notifications/preferences",
            new { timeZone, channels = new { medium, high, critical }, quietHours }, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
