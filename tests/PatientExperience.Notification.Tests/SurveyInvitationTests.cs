using PatientExperience.Contracts.Notification;
using PatientExperience.Contracts.Survey;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Templates;

namespace PatientExperience.Notification.Tests;

/// <summary>
/// Survey invitations and reminders (SendSurveyInvitation): to the discharged patient's email, else their mobile, in their
/// language, with the link and nothing else about them; once per MessageId; the link never logged, traced or stored in clear.
/// </summary>
public sealed class SurveyInvitationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Token = "q8Zt3vJm0pXc7LrB2yKwNs4HdFg9TaEu1VoIi6Ql5Sx";
    private const string Link = "https://surveys.example.org/surveys/" + Token;

    private static SendSurveyInvitation Invitation(Guid dischargeId, string language = "en", int reminder = 0, Guid? messageId = null) => new()
    {
        MessageId = messageId ?? Guid.NewGuid(), InvitationId = Guid.NewGuid(), DischargeId = dischargeId, FacilityId = FakeCaseDirectory.Facility,
        Language = language, Reminder = reminder, Link = Link, ExpiresAt = NotificationApp.Start.AddDays(42), RequestedAt = NotificationApp.Start,
    };

    private static Guid Discharged(NotificationApp app, string? email = Samples.PatientEmail, string? phone = Samples.PatientPhone, bool mobile = true, string? language = "en")
    {
        var id = Guid.NewGuid();
        app.Discharges.Contacts[id] = new DischargeContact(email, phone, mobile, language);
        return id;
    }

    [Theory]
    [InlineData("en", "How was your stay at Riverside General Hospital?", "Start the survey")]
    [InlineData("es", "¿Cómo fue su estancia en Riverside General Hospital?", "Comenzar la encuesta")]
    [InlineData("es-MX", "¿Cómo fue su estancia en Riverside General Hospital?", "Comenzar la encuesta")]
    [InlineData("vi", "How was your stay at Riverside General Hospital?", "Start the survey")]
    public async Task The_invitation_is_emailed_in_the_patients_language_with_the_link_and_no_other_personal_detail(string language, string subject, string body)
    {
        await using var app = await NotificationApp.StartAsync();
        var dischargeId = Discharged(app);

        await app.Publish(Invitation(dischargeId, language));
        var all = await app.DeliveriesWhenAsync(d => d.Any(x => x.Status == DeliveryStatus.Delivered), "the invitation to be delivered");

        var delivery = Assert.Single(all);
        Assert.Equal(("survey-invitation", "email", "patient", $"patient:discharge:{dischargeId}"), (delivery.Event, delivery.Channel, delivery.RecipientKind, delivery.RecipientId));
        var email = Assert.Single(app.Smtp.To(Samples.PatientEmail));
        Assert.Equal(subject, email.Subject);
        Assert.Contains(body + ": " + Link, email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.PatientName, email.Body, StringComparison.Ordinal);
        await PatientExperience.Testing.Eventually.UntilAsync(
            () => Task.FromResult(app.Published<NotificationDelivered>().Any(n => n.DeliveryId == delivery.Id && n.Event == "survey-invitation" && n.RecipientId == delivery.RecipientId)),
            TimeSpan.FromSeconds(15), "NotificationDelivered for the invitation", Ct);
    }

    [Theory]
    [InlineData("en", "a reminder to tell us about your recent stay")]
    [InlineData("es", "recuerde contarnos cómo fue su estancia")]
    public async Task Without_an_email_a_reminder_goes_by_sms_to_the_mobile_with_the_link(string language, string text)
    {
        await using var app = await NotificationApp.StartAsync();
        var dischargeId = Discharged(app, email: null, language: language);

        await app.Publish(Invitation(dischargeId, language, reminder: 1));
        await app.DeliveriesWhenAsync(d => d.Any(x => x.Channel == "sms" && x.Status == DeliveryStatus.Delivered), "the reminder SMS to be delivered");

        var sms = Assert.Single(app.Webhooks.To(Samples.PatientPhone));
        Assert.Contains(text, sms.Text, StringComparison.Ordinal);
        Assert.EndsWith(Link, sms.Text, StringComparison.Ordinal);
        Assert.True(sms.Text.Length - Link.Length <= 100, $"{sms.Text.Length - Link.Length} characters besides the link");
        Assert.Equal("survey-reminder", Assert.Single(await app.AllDeliveriesAsync()).Event);
    }

    [Fact]
    public async Task A_landline_cannot_take_the_link_so_a_patient_with_only_one_is_recorded_as_not_reachable()
    {
        await using var app = await NotificationApp.StartAsync();
        var dischargeId = Discharged(app, email: null, mobile: false);

        await app.Publish(Invitation(dischargeId));
        var all = await app.DeliveriesWhenAsync(d => d.Any(x => x.Status == DeliveryStatus.Failed), "the invitation to fail for want of an address");

        var failed = Assert.Single(all);
        Assert.Equal(("email", "no-address"), (failed.Channel, failed.Reason));
        Assert.Empty(app.Webhooks.To(Samples.PatientPhone));
    }

    [Fact]
    public async Task The_same_command_twice_delivers_once()
    {
        await using var app = await NotificationApp.StartAsync();
        var dischargeId = Discharged(app);
        var invitation = Invitation(dischargeId);

        await app.Publish(invitation);
        await app.Publish(invitation);
        await PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<SendSurveyInvitation>() == 2), TimeSpan.FromSeconds(15), "both commands consumed", Ct);
        await app.DeliveriesWhenAsync(d => d.Count > 0 && d.All(x => x.Status == DeliveryStatus.Delivered), "the invitation to be delivered");

        Assert.Single(await app.AllDeliveriesAsync());
        Assert.Single(app.Smtp.To(Samples.PatientEmail));
    }

    [Fact]
    public async Task An_unknown_discharge_an_expired_link_or_a_malformed_link_sends_nothing()
    {
        await using var app = await NotificationApp.StartAsync();
        var known = Discharged(app);

        await app.Publish(Invitation(Guid.NewGuid()));
        await app.Publish(Invitation(known) with { ExpiresAt = NotificationApp.Start.AddSeconds(-1) });
        await app.Publish(Invitation(known) with { Link = "javascript:alert(1)" });
        await PatientExperience.Testing.Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<SendSurveyInvitation>() == 3), TimeSpan.FromSeconds(15), "the three commands consumed", Ct);

        Assert.Empty(await app.AllDeliveriesAsync());
        Assert.Empty(app.Smtp.To(Samples.PatientEmail));
    }

    [Fact]
    public async Task The_link_and_the_address_are_never_logged_traced_or_stored_in_clear()
    {
        await using var app = await NotificationApp.StartAsync();
        var byEmail = Discharged(app);
        var bySms = Discharged(app, email: null);

        await app.Publish(Invitation(byEmail));
        await app.Publish(Invitation(bySms, reminder: 2));
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
    public void Survey_templates_render_every_channel_in_every_locale_with_the_link()
    {
        var renderer = new TemplateRenderer(Microsoft.Extensions.Options.Options.Create(new NotificationOptions()));
        foreach (var e in new[] { "survey-invitation", "survey-reminder" })
        {
            foreach (var locale in TemplateRenderer.Locales)
            {
                var model = new PatientMessageModel { Event = e, Facility = "Riverside General Hospital", SurveyLink = Link, PatientName = Samples.PatientName };
                foreach (var channel in new[] { "email", "sms" })
                {
                    var r = renderer.RenderPatient(e, locale, channel, model);
                    Assert.Contains(Link, r.Body, StringComparison.Ordinal);
                    Assert.DoesNotContain("{{", r.Body, StringComparison.Ordinal);
                    // Even when a name is at hand, a survey message greets nobody by name.
                    Assert.DoesNotContain(Samples.PatientName, (r.Subject ?? "") + r.Body, StringComparison.Ordinal);
                    if (channel == "email") Assert.False(string.IsNullOrWhiteSpace(r.Subject), $"{e}/{locale}");
                }
            }
        }
    }
}
