using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Templates;

namespace PatientExperience.Notification.Tests;

/// <summary>
/// Outreach invitations and reminders (SendOutreachMessage): to the respondent's email, else their mobile, in their language,
/// naming the event's kind, topic, time in the facility's zone and place, with the RSVP link on invitations only; once per
/// MessageId; nothing after the event began; the link and the address never logged, traced or stored in clear.
/// </summary>
public sealed class OutreachMessageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Token = "R7mZt3vJm0pXc7LrB2yKwNs4HdFg9TaEu1VoIi6Ql5S";
    private const string Link = "https://patients.example.org/outreach/rsvp/" + Token;

    /// <summary>Friday 13 March 2026, 18:00 UTC: 14:00 in New York (EDT).</summary>
    private static readonly DateTimeOffset StartsAt = new(2026, 3, 13, 18, 0, 0, TimeSpan.Zero);

    private static SendOutreachMessage Message(Guid contactReference, string language = "en", OutreachMessageKind kind = OutreachMessageKind.Invitation, Guid? messageId = null) => new()
    {
        MessageId = messageId ?? Guid.NewGuid(), Kind = kind, OutreachEventId = Guid.NewGuid(), OutreachInvitationId = Guid.NewGuid(),
        ContactReference = contactReference, FacilityId = FakeCaseDirectory.Facility, Language = language, EventKind = OutreachEventKind.FocusGroup,
        Topic = "Coming home after a hip replacement", StartsAt = StartsAt, Location = "Conference room B", Link = kind == OutreachMessageKind.Invitation ? Link : null,
        RequestedAt = NotificationApp.Start,
    };

    private static Guid Respondent(NotificationApp app, string? email = Samples.PatientEmail, string? phone = Samples.PatientPhone, bool mobile = true, string? language = "en")
    {
        var id = Guid.NewGuid();
        app.Discharges.Contacts[id] = new DischargeContact(email, phone, mobile, language);
        return id;
    }

    [Theory]
    [InlineData("en", "An invitation to a patient focus group at Riverside General Hospital", "Please tell us whether you can come: ", "When: 2026-03-13 14:00 America/New_York")]
    [InlineData("es", "Invitación a un grupo focal de pacientes en Riverside General Hospital", "Díganos si puede asistir: ", "Cuándo: 2026-03-13 14:00 America/New_York")]
    public async Task The_invitation_is_emailed_in_the_respondents_language_with_the_event_and_the_rsvp_link_and_nothing_about_them(string language, string subject, string ask, string when)
    {
        await using var app = await NotificationApp.StartAsync();
        var respondent = Respondent(app);

        await app.Publish(Message(respondent, language));
        var all = await app.DeliveriesWhenAsync(d => d.Any(x => x.Status == DeliveryStatus.Delivered), "the invitation to be delivered");

        var delivery = Assert.Single(all);
        Assert.Equal(("outreach-invitation", "email", $"patient:discharge:{respondent}"), (delivery.Event, delivery.Channel, delivery.RecipientId));
        var email = Assert.Single(app.Smtp.To(Samples.PatientEmail));
        Assert.Equal(subject, email.Subject);
        Assert.Contains(ask + Link, email.Body, StringComparison.Ordinal);
        Assert.Contains(when, email.Body, StringComparison.Ordinal);
        Assert.Contains("Coming home after a hip replacement", email.Body, StringComparison.Ordinal);
        Assert.Contains("Conference room B", email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.PatientName, email.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "reminder, the patient focus group you are attending is on 2026-03-13 14:00 America/New_York")]
    [InlineData("es", "le recordamos que el grupo focal de pacientes al que asistirá es el 2026-03-13 14:00 America/New_York")]
    public async Task Without_an_email_the_reminder_goes_by_sms_with_the_time_and_no_link(string language, string text)
    {
        await using var app = await NotificationApp.StartAsync();
        var respondent = Respondent(app, email: null, language: language);

        await app.Publish(Message(respondent, language, OutreachMessageKind.Reminder));
        await app.DeliveriesWhenAsync(d => d.Any(x => x.Channel == "sms" && x.Status == DeliveryStatus.Delivered), "the reminder SMS to be delivered");

        var sms = Assert.Single(app.Webhooks.To(Samples.PatientPhone));
        Assert.Contains(text, sms.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("http", sms.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("hip replacement", sms.Text, StringComparison.Ordinal);
        Assert.Equal("outreach-reminder", Assert.Single(await app.AllDeliveriesAsync()).Event);
    }

    [Fact]
    public async Task The_same_command_twice_delivers_once()
    {
        await using var app = await NotificationApp.StartAsync();
        var message = Message(Respondent(app));

        await app.Publish(message);
        await app.Publish(message);
        await PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<SendOutreachMessage>() == 2), TimeSpan.FromSeconds(15), "both commands consumed", Ct);
        await app.DeliveriesWhenAsync(d => d.Count > 0 && d.All(x => x.Status == DeliveryStatus.Delivered), "the invitation to be delivered");

        Assert.Single(await app.AllDeliveriesAsync());
        Assert.Single(app.Smtp.To(Samples.PatientEmail));
    }

    [Fact]
    public async Task An_unknown_respondent_an_invitation_without_a_link_or_an_event_that_has_begun_sends_nothing()
    {
        await using var app = await NotificationApp.StartAsync();
        var known = Respondent(app);

        await app.Publish(Message(Guid.NewGuid()));
        await app.Publish(Message(known) with { Link = null });
        await app.Publish(Message(known) with { Link = "javascript:alert(1)" });
        await app.Publish(Message(known, kind: OutreachMessageKind.Reminder) with { StartsAt = NotificationApp.Start.AddMinutes(-1) });
        await PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<SendOutreachMessage>() == 4), TimeSpan.FromSeconds(15), "the four commands consumed", Ct);

        Assert.Empty(await app.AllDeliveriesAsync());
        Assert.Empty(app.Smtp.To(Samples.PatientEmail));
    }

    [Fact]
    public async Task The_link_and_the_address_are_never_logged_traced_or_stored_in_clear()
    {
        await using var app = await NotificationApp.StartAsync();
        var byEmail = Respondent(app);
        var bySms = Respondent(app, email: null);

        await app.Publish(Message(byEmail));
        await app.Publish(Message(bySms));
        var all = await app.DeliveriesWhenAsync(d => d.Count == 2 && d.All(x => x.Status == DeliveryStatus.Delivered), "both messages to be delivered");

        foreach (var delivery in all) Assert.DoesNotContain(Token, delivery.ProtectedPatient!, StringComparison.Ordinal);
        string[] secrets = [Token, Samples.PatientEmail, Samples.PatientPhone];
        Assert.NotEmpty(app.Logs.Messages);
        foreach (var line in app.Logs.Messages)
        {
            foreach (var secret in secrets) Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
        }

        foreach (var activity in app.Activities)
        {
            var text = string.Join(" | ", new[] { activity.DisplayName, activity.OperationName, activity.StatusDescription ?? "" }
                .Concat(activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))
                .Concat(activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}"))));
            foreach (var secret in secrets) Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Outreach_templates_render_every_channel_in_english_and_spanish_for_both_kinds_of_event()
    {
        var renderer = new TemplateRenderer(Microsoft.Extensions.Options.Options.Create(new NotificationOptions()));
        foreach (var (e, link) in new[] { ("outreach-invitation", Link), ("outreach-reminder", null) })
        {
            foreach (var locale in TemplateRenderer.Locales)
            {
                foreach (var focusGroup in new[] { true, false })
                {
                    var model = new PatientMessageModel
                    {
                        Event = e, Facility = "Riverside General Hospital", RsvpLink = link, Topic = "Maternity care", Location = "Room B",
                        When = "2026-03-13 14:00 America/New_York", FocusGroup = focusGroup, PatientName = Samples.PatientName,
                    };
                    foreach (var channel in new[] { "email", "sms" })
                    {
                        var r = renderer.RenderPatient(e, locale, channel, model);
                        var text = (r.Subject ?? "") + r.Body;
                        Assert.DoesNotContain("{{", r.Body, StringComparison.Ordinal);
                        Assert.Contains("2026-03-13 14:00", r.Body, StringComparison.Ordinal);
                        if (link is not null) Assert.Contains(link, r.Body, StringComparison.Ordinal);
                        else Assert.DoesNotContain("http", r.Body, StringComparison.Ordinal);
                        // Even when a name is at hand, an outreach message greets nobody by name.
                        Assert.DoesNotContain(Samples.PatientName, text, StringComparison.Ordinal);
                        Assert.Contains(focusGroup ? (locale == "es" ? "grupo focal" : "focus group") : (locale == "es" ? "evento comunitario" : "community event"), text, StringComparison.Ordinal);
                        if (channel == "email") Assert.False(string.IsNullOrWhiteSpace(r.Subject), $"{e}/{locale}");
                        else Assert.True(r.Body.Length - (link?.Length ?? 0) <= 160, $"{e}/{locale}/sms is {r.Body.Length} characters");
                    }
                }
            }
        }
    }
}
