using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PatientExperience.Contracts.Case;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Contacts;

namespace PatientExperience.Notification.Tests;

/// <summary>Preferences by severity, quiet hours in the person's own time zone, and patients told in their language by their channel.</summary>
public sealed class WhoGetsWhatTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task During_quiet_hours_an_email_waits_until_they_end_and_the_inbox_does_not()
    {
        await using var app = await NotificationApp.StartAsync();
        await ReliabilityTests.SetPreferencesAsync(app, Samples.DepartmentHead.PersonId, quietHours: new { start = "22:00", end = "07:00" }, timeZone: "America/New_York");
        // 03:00 in New York (EDT, UTC-4).
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 7, 0, 0, TimeSpan.Zero));
        var c = app.KnownCase();

        await app.Publish(Samples.Escalated(c));
        var deferred = await app.DeliveriesWhenAsync(d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Deferred)
            && d.Any(x => x.Channel == "inbox" && x.Status == DeliveryStatus.Delivered), "the email to be deferred and the inbox entry delivered");

        var endsAt = new DateTimeOffset(2026, 3, 11, 11, 0, 0, TimeSpan.Zero); // 07:00 in New York
        Assert.Equal(endsAt, deferred.Single(d => d.Channel == "email").NextAttemptAt);
        Assert.Empty(app.Smtp.Received);

        // Nothing goes a minute early; at 07:00 it goes.
        app.Clock.SetUtcNow(endsAt.AddMinutes(-1));
        await app.StepAsync(TimeSpan.Zero);
        Assert.Empty(app.Smtp.Received);
        var delivered = await app.AdvanceUntilAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3), d => d.Any(x => x.Channel == "email" && x.Status == DeliveryStatus.Delivered), "the email at 07:00");
        Assert.True(delivered.Single(d => d.Channel == "email").DeliveredAt >= endsAt);
        Assert.Single(app.Smtp.To(Samples.DepartmentHead.Email!));
    }

    [Fact]
    public async Task A_critical_case_ignores_quiet_hours()
    {
        await using var app = await NotificationApp.StartAsync();
        await ReliabilityTests.SetPreferencesAsync(app, Samples.Executive.PersonId, quietHours: new { start = "22:00", end = "07:00" }, critical: ["email", "pager"]);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 7, 0, 0, TimeSpan.Zero)); // 03:00 in New York
        var c = app.KnownCase("critical");

        await app.Publish(Samples.Escalated(c, "critical", "executive", Samples.Executive));
        var all = await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 3, "email, page and inbox at once");

        Assert.Equal(["email", "inbox", "pager"], all.Select(d => d.Channel).Order());
        Assert.Single(app.Smtp.To(Samples.Executive.Email!));
        Assert.Single(app.Webhooks.To(Samples.Executive.Pager!));
    }

    [Fact]
    public async Task An_anonymous_critical_concern_reaches_its_triage_on_inbox_and_email_and_pages_no_one_until_confirmed()
    {
        await using var app = await NotificationApp.StartAsync();
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 7, 0, 0, TimeSpan.Zero)); // 03:00 in New York
        var c = app.KnownCase("critical");

        await app.Publish(Samples.Escalated(c, "critical", "unit", Samples.PatientRelationsLead, Samples.Compliance) with { Reason = EscalationReason.CriticalTriage });
        var triage = await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 4, "inbox and email to both at once");

        Assert.Equal(["email", "email", "inbox", "inbox"], triage.Select(d => d.Channel).Order());
        Assert.Single(app.Smtp.To(Samples.PatientRelationsLead.Email!));
        Assert.Single(app.Smtp.To(Samples.Compliance.Email!));
        Assert.Empty(app.Webhooks.To(Samples.PatientRelationsLead.Pager!));
        Assert.Empty(app.Webhooks.To(Samples.Compliance.Pager!));

        // Staff confirm it: the executive level is paged as for any critical case.
        await app.Publish(Samples.Escalated(c, "critical", "executive", Samples.Executive, Samples.Compliance) with
        {
            Reason = EscalationReason.CriticalSeverity, EscalatedAt = NotificationApp.Start.AddMinutes(10),
        });
        await app.DeliveriesWhenAsync(d => d.Any(x => x.RecipientId == Samples.Executive.PersonId && x.Channel == "pager" && x.Status == DeliveryStatus.Delivered),
            "the executive paged");
        Assert.Single(app.Webhooks.To(Samples.Executive.Pager!));
    }

    [Fact]
    public async Task Preferences_choose_the_channels_for_each_severity()
    {
        await using var app = await NotificationApp.StartAsync();
        await ReliabilityTests.SetPreferencesAsync(app, Samples.DepartmentHead.PersonId, medium: ["sms"]);
        var c = app.KnownCase();

        await app.Publish(Samples.Escalated(c, "medium"));
        var all = await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 2, "the SMS and inbox entry");

        Assert.Equal(["inbox", "sms"], all.Select(d => d.Channel).Order());
        Assert.Empty(app.Smtp.Received);
    }

    [Fact]
    public async Task Preferences_are_each_persons_own_and_validated()
    {
        await using var app = await NotificationApp.StartAsync();
        var me = app.ClientFor("rg-medicine-head");

        var defaults = await me.GetFromJsonAsync<JsonElement>("/api/v1/notifications/preferences", Ct);
        Assert.True(defaults.GetProperty("isDefault").GetBoolean());
        Assert.Equal(["email", "sms"], defaults.GetProperty("channels").GetProperty("high").EnumerateArray().Select(e => e.GetString()));

        var invalid = await me.PutAsJsonAsync("/api/v1/notifications/preferences",
            new { timeZone = "Mars/Olympus", channels = new { high = new[] { "carrier-pigeon" } }, quietHours = new { start = "25:00", end = "07:00" } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("timeZone", out _));
        Assert.True(errors.TryGetProperty("channels.high", out _));
        Assert.True(errors.TryGetProperty("quietHours", out _));

        var saved = await me.PutAsJsonAsync("/api/v1/notifications/preferences",
            new { timeZone = "America/Chicago", channels = new { low = Array.Empty<string>(), critical = new[] { "pager", "sms" } }, quietHours = new { start = "21:30", end = "06:45" } }, Ct);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var mine = await me.GetFromJsonAsync<JsonElement>("/api/v1/notifications/preferences", Ct);
        Assert.False(mine.GetProperty("isDefault").GetBoolean());
        Assert.Equal("America/Chicago", mine.GetProperty("timeZone").GetString());
        Assert.Equal("21:30", mine.GetProperty("quietHours").GetProperty("start").GetString());
        Assert.Equal(["pager", "sms"], mine.GetProperty("channels").GetProperty("critical").EnumerateArray().Select(e => e.GetString()));

        // Someone else still has the defaults.
        var other = await app.ClientFor("rg-surgery-head").GetFromJsonAsync<JsonElement>("/api/v1/notifications/preferences", Ct);
        Assert.True(other.GetProperty("isDefault").GetBoolean());
    }

    [Theory]
    [InlineData("en", "An update on your concern", "We are still looking into")]
    [InlineData("es", "Novedades sobre su inquietud", "Seguimos revisando")]
    [InlineData("es-MX", "Novedades sobre su inquietud", "Seguimos revisando")]
    [InlineData("fr", "An update on your concern", "We are still looking into")]
    public async Task A_patient_gets_the_interim_notice_in_their_language(string language, string subject, string body)
    {
        await using var app = await NotificationApp.StartAsync();
        var c = app.KnownCase();
        app.Patients.Contacts[c.SubmissionId] = new PatientContact(Samples.PatientName, Samples.PatientEmail, Samples.PatientPhone, language, true);

        await app.Publish(new InterimNoticeDue { CaseId = c.CaseId, FacilityId = c.FacilityId, SubmissionId = c.SubmissionId, DueAt = NotificationApp.Start, Severity = Severity.Medium });
        var all = await app.DeliveriesWhenAsync(d => d.Any(x => x.Status == DeliveryStatus.Delivered), "the interim notice to be delivered");

        var delivery = Assert.Single(all);
        Assert.Equal("patient", delivery.RecipientKind);
        Assert.Equal($"patient:{c.SubmissionId}", delivery.RecipientId);
        Assert.Equal("email", delivery.Channel);
        // The address and text are stored encrypted only.
        Assert.Null(delivery.Staff);
        Assert.DoesNotContain(Samples.PatientEmail, delivery.ProtectedPatient!, StringComparison.Ordinal);
        var email = Assert.Single(app.Smtp.To(Samples.PatientEmail));
        Assert.StartsWith(subject, email.Subject, StringComparison.Ordinal);
        Assert.Contains(c.CaseNumber, email.Subject, StringComparison.Ordinal);
        Assert.Contains(body, email.Body, StringComparison.Ordinal);
        Assert.Contains(Samples.PatientName, email.Body, StringComparison.Ordinal);
        Assert.Contains("Riverside General Hospital", email.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "our written response to your concern")]
    [InlineData("es", "le hemos enviado nuestra respuesta por escrito")]
    public async Task A_patient_with_only_a_phone_gets_the_response_letter_notice_by_sms_in_their_language(string language, string text)
    {
        await using var app = await NotificationApp.StartAsync();
        var c = app.KnownCase();
        app.Patients.Contacts[c.SubmissionId] = new PatientContact(Samples.PatientName, null, Samples.PatientPhone, language, true);

        await app.Publish(new ResponseLetterIssued
        {
            CaseId = c.CaseId, FacilityId = c.FacilityId, SubmissionId = c.SubmissionId, LetterId = Guid.NewGuid(), Kind = LetterKind.Final, IssuedBy = "rg-advocate", IssuedAt = NotificationApp.Start,
        });
        await app.DeliveriesWhenAsync(d => d.Any(x => x.Channel == "sms" && x.Status == DeliveryStatus.Delivered), "the SMS to be delivered");

        var sms = Assert.Single(app.Webhooks.To(Samples.PatientPhone));
        Assert.True(sms.SignatureValid);
        Assert.Contains(text, sms.Text, StringComparison.Ordinal);
        Assert.Contains(c.CaseNumber, sms.Text, StringComparison.Ordinal);
        // A text message carries no name, even to the patient's own phone.
        Assert.DoesNotContain(Samples.PatientName, sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_patient_is_acknowledged_on_a_new_case_only_when_they_asked_for_a_response()
    {
        await using var app = await NotificationApp.StartAsync();
        CaseOpened Opened(Guid submissionId) => new()
        {
            CaseId = Guid.NewGuid(), CaseNumber = "PX-260310-" + submissionId.ToString("N")[..8].ToUpperInvariant(), SubmissionId = submissionId,
            FacilityId = FakeCaseDirectory.Facility, Channel = FeedbackChannel.Web, Status = CaseStatus.New, OpenedAt = NotificationApp.Start, Severity = Severity.Medium,
        };
        var asked = Guid.NewGuid();
        var notAsked = Guid.NewGuid();
        app.Patients.Contacts[asked] = new PatientContact(Samples.PatientName, Samples.PatientEmail, null, "en", true);
        app.Patients.Contacts[notAsked] = new PatientContact("Someone Else", "someone.else@example.org", null, "en", false);

        await app.Publish(Opened(asked));
        await app.Publish(Opened(notAsked));
        await PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<CaseOpened>() == 2), TimeSpan.FromSeconds(15), "both cases", Ct);
        await app.DeliveriesWhenAsync(d => d.Count == 1 && d[0].Status == DeliveryStatus.Delivered, "the acknowledgement");

        var email = Assert.Single(app.Smtp.Received);
        Assert.Equal([Samples.PatientEmail], email.To);
        Assert.StartsWith("We have received your concern", email.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_patient_without_contact_details_is_recorded_as_not_reachable()
    {
        await using var app = await NotificationApp.StartAsync();
        var c = app.KnownCase("high");
        app.Patients.Contacts[c.SubmissionId] = new PatientContact(null, null, null, null, false);

        await app.Publish(new InterimNoticeDue { CaseId = c.CaseId, FacilityId = c.FacilityId, SubmissionId = c.SubmissionId, DueAt = NotificationApp.Start, Severity = Severity.High });
        var all = await app.DeliveriesWhenAsync(d => d.Any(x => x.Status == DeliveryStatus.Failed), "the notice to fail for want of an address");

        var failed = Assert.Single(all);
        Assert.Equal("no-address", failed.Reason);
        Assert.Null(failed.FallbackChannel);
        await PatientExperience.Testing.Eventually.UntilAsync(
            () => Task.FromResult(app.Published<PatientExperience.Contracts.Notification.NotificationFailed>().Any(f => f.DeliveryId == failed.Id && f.Reason == "no-address")),
            TimeSpan.FromSeconds(15), "NotificationFailed with no-address", Ct);
    }
}
