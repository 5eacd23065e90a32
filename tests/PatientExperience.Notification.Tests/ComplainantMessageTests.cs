using PatientExperience.Contracts.Case;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Testing;

namespace PatientExperience.Notification.Tests;

/// <summary>
/// SendComplainantMessage from the case service: the acknowledgement carries the status page link (and replaces the one
/// CaseOpened used to send), a staff reply is announced with the link and never its text, in the complainant's language,
/// once per message however often the command arrives.
/// </summary>
public sealed class ComplainantMessageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Link = "https://patients.test/status/Zt0q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6L";

    private static (CaseOpened Opened, SendComplainantMessage Command) Case(Guid submissionId, ComplainantMessageKind kind = ComplainantMessageKind.Acknowledgement)
    {
        var caseId = Guid.NewGuid();
        var number = "PX-260310-" + caseId.ToString("N")[..8].ToUpperInvariant();
        var opened = new CaseOpened
        {
            CaseId = caseId, CaseNumber = number, SubmissionId = submissionId, FacilityId = FakeCaseDirectory.Facility, Channel = FeedbackChannel.Web,
            Status = CaseStatus.New, OpenedAt = NotificationApp.Start, Severity = Severity.Medium, StatusPageOffered = true,
        };
        var command = new SendComplainantMessage
        {
            MessageId = Guid.NewGuid(), Kind = kind, CaseId = caseId, CaseNumber = number, SubmissionId = submissionId, FacilityId = FakeCaseDirectory.Facility,
            StatusLink = Link, RequestedAt = NotificationApp.Start,
        };
        return (opened, command);
    }

    [Fact]
    public async Task The_acknowledgement_links_to_the_status_page_and_the_case_opened_event_sends_no_second_one()
    {
        await using var app = await NotificationApp.StartAsync();
        var submission = Guid.NewGuid();
        app.Patients.Contacts[submission] = new PatientContact(Samples.PatientName, Samples.PatientEmail, null, "en", true);
        var (opened, acknowledgement) = Case(submission);

        await app.Publish(opened);
        await app.Publish(acknowledgement);
        await app.Publish(acknowledgement);
        await Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<CaseOpened>() == 1 && app.ConsumedCount<SendComplainantMessage>() == 2), TimeSpan.FromSeconds(15), "the event and both commands", Ct);
        await app.DeliveriesWhenAsync(d => d.Count == 1 && d[0].Status == DeliveryStatus.Delivered, "the acknowledgement");

        var email = Assert.Single(app.Smtp.Received);
        Assert.StartsWith("We have received your concern", email.Subject, StringComparison.Ordinal);
        Assert.Contains(Link, email.Body, StringComparison.Ordinal);
        Assert.Contains(acknowledgement.CaseNumber, email.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_staff_reply_is_announced_in_spanish_with_the_link_and_an_acknowledgement_waits_for_a_requested_response()
    {
        await using var app = await NotificationApp.StartAsync();
        var submission = Guid.NewGuid();
        app.Patients.Contacts[submission] = new PatientContact(Samples.PatientName, Samples.PatientEmail, null, "es-MX", false);
        var (_, acknowledgement) = Case(submission);
        var reply = acknowledgement with { MessageId = Guid.NewGuid(), Kind = ComplainantMessageKind.StaffReply };

        await app.Publish(acknowledgement);
        await app.Publish(reply);
        await app.DeliveriesWhenAsync(d => d.Count == 1 && d[0].Status == DeliveryStatus.Delivered, "the reply notice");

        var email = Assert.Single(app.Smtp.Received);
        Assert.StartsWith("Tiene un nuevo mensaje", email.Subject, StringComparison.Ordinal);
        Assert.Contains(Link, email.Body, StringComparison.Ordinal);
        Assert.Equal(2, app.ConsumedCount<SendComplainantMessage>());
    }

    [Theory]
    [InlineData("en", "Your new link for your concern", "The link you had before no longer works.")]
    [InlineData("es-MX", "Su nuevo enlace para su inquietud", "El enlace que tenía antes ya no funciona.")]
    public async Task A_reissued_link_is_sent_in_the_complainants_language_once(string language, string subject, string text)
    {
        await using var app = await NotificationApp.StartAsync();
        var submission = Guid.NewGuid();
        app.Patients.Contacts[submission] = new PatientContact(Samples.PatientName, Samples.PatientEmail, null, language, false);
        var (_, acknowledgement) = Case(submission);
        var reissued = acknowledgement with { MessageId = Guid.NewGuid(), Kind = ComplainantMessageKind.LinkReissued };

        await app.Publish(reissued);
        await app.Publish(reissued);
        await Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<SendComplainantMessage>() == 2), TimeSpan.FromSeconds(15), "both commands", Ct);
        var delivery = Assert.Single(await app.DeliveriesWhenAsync(d => d.Count == 1 && d[0].Status == DeliveryStatus.Delivered, "the new link"));

        Assert.Equal("case-link-reissued", delivery.Event);
        var email = Assert.Single(app.Smtp.Received);
        Assert.StartsWith(subject, email.Subject, StringComparison.Ordinal);
        Assert.Contains(text, email.Body, StringComparison.Ordinal);
        Assert.Contains(Link, email.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_sms_the_notice_carries_the_case_number_facility_and_link_only()
    {
        await using var app = await NotificationApp.StartAsync();
        var submission = Guid.NewGuid();
        app.Patients.Contacts[submission] = new PatientContact(Samples.PatientName, null, Samples.PatientPhone, "en", true);
        var (_, command) = Case(submission, ComplainantMessageKind.StaffReply);

        await app.Publish(command);
        var delivered = await app.DeliveriesWhenAsync(d => d.Count == 1 && d[0].Status == DeliveryStatus.Delivered, "the SMS");

        Assert.Equal("sms", delivered[0].Channel);
        var sms = Assert.Single(app.Webhooks.To(Samples.PatientPhone));
        Assert.Contains(Link, sms.Text, StringComparison.Ordinal);
        Assert.Contains(command.CaseNumber, sms.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.PatientName, sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_survey_case_patient_gets_one_acknowledgement_with_the_link_in_their_language_from_the_discharge_contact()
    {
        await using var app = await NotificationApp.StartAsync();
        var response = Guid.NewGuid();
        var discharge = Guid.NewGuid();
        app.Discharges.Contacts[discharge] = new DischargeContact(Samples.PatientEmail, null, false, "es-MX");
        var (opened, acknowledgement) = Case(response);
        opened = opened with { Source = CaseSource.Survey, SurveyResponseId = response, DischargeId = discharge };
        acknowledgement = acknowledgement with { DischargeId = discharge };

        await app.Publish(opened);
        await app.Publish(acknowledgement);
        await app.Publish(acknowledgement);
        await Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<CaseOpened>() == 1 && app.ConsumedCount<SendComplainantMessage>() == 2), TimeSpan.FromSeconds(15), "the event and both commands", Ct);
        await app.DeliveriesWhenAsync(d => d.Count == 1 && d[0].Status == DeliveryStatus.Delivered, "the acknowledgement");

        var email = Assert.Single(app.Smtp.Received);
        Assert.StartsWith("Hemos recibido su inquietud", email.Subject, StringComparison.Ordinal);
        Assert.Contains(Link, email.Body, StringComparison.Ordinal);
        Assert.Contains(acknowledgement.CaseNumber, email.Body, StringComparison.Ordinal);
        // The survey response id means nothing to intake: the contact is read by discharge, never by submission.
        Assert.Empty(app.Patients.Reads);
        Assert.All(app.Discharges.Reads, id => Assert.Equal(discharge, id));
    }

    [Fact]
    public async Task A_survey_case_interim_notice_reaches_the_discharged_patient()
    {
        await using var app = await NotificationApp.StartAsync();
        var response = Guid.NewGuid();
        var discharge = Guid.NewGuid();
        app.Discharges.Contacts[discharge] = new DischargeContact(Samples.PatientEmail, null, false, "en");
        var (opened, _) = Case(response);

        await app.Publish(opened with { Source = CaseSource.Survey, SurveyResponseId = response, DischargeId = discharge });
        await Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<CaseOpened>() == 1), TimeSpan.FromSeconds(15), "the case opened", Ct);
        await app.Publish(new InterimNoticeDue { CaseId = opened.CaseId, FacilityId = opened.FacilityId, SubmissionId = response, DueAt = NotificationApp.Start.AddDays(5), Severity = Severity.Medium });
        await app.DeliveriesWhenAsync(d => d.Count == 1 && d[0].Status == DeliveryStatus.Delivered, "the interim notice");

        var email = Assert.Single(app.Smtp.Received);
        Assert.Contains(opened.CaseNumber, email.Body, StringComparison.Ordinal);
        Assert.Empty(app.Patients.Reads);
    }

    [Fact]
    public async Task Acknowledgements_to_an_address_given_anonymously_are_limited_per_address_per_day()
    {
        await using var app = await NotificationApp.StartAsync(settings: new Dictionary<string, string?> { ["Notification:AnonymousEmail:PerAddressPerDay"] = "2" });
        var commands = new List<SendComplainantMessage>();
        for (var i = 0; i < 3; i++)
        {
            var submission = Guid.NewGuid();
            // The same victim's address typed into the public form three times, in different case.
            app.Patients.Contacts[submission] = new PatientContact(Samples.PatientName, i == 1 ? Samples.PatientEmail.ToUpperInvariant() : Samples.PatientEmail, null, "en", true);
            var (opened, acknowledgement) = Case(submission);
            await app.Publish(opened);
            commands.Add(acknowledgement);
        }

        await Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<CaseOpened>() == 3), TimeSpan.FromSeconds(15), "the cases", Ct);
        foreach (var command in commands) await app.Publish(command);
        await Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<SendComplainantMessage>() == 3), TimeSpan.FromSeconds(15), "the three acknowledgements", Ct);

        var sent = await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 2, "two acknowledgements");
        Assert.Equal(2, sent.Count);
        Assert.Equal(2, app.Smtp.Received.Count);

        // The next day the address may be acknowledged again.
        app.Clock.Advance(TimeSpan.FromDays(1));
        var (nextOpened, nextAcknowledgement) = Case(commands[0].SubmissionId);
        await app.Publish(nextOpened);
        await Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<CaseOpened>() == 4), TimeSpan.FromSeconds(15), "the next day's case", Ct);
        await app.Publish(nextAcknowledgement);
        await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 3, "the next day's acknowledgement");
    }

    [Fact]
    public async Task A_concern_logged_by_staff_is_acknowledged_without_the_anonymous_limit()
    {
        await using var app = await NotificationApp.StartAsync(settings: new Dictionary<string, string?> { ["Notification:AnonymousEmail:PerAddressPerDay"] = "1" });
        for (var i = 0; i < 2; i++)
        {
            var submission = Guid.NewGuid();
            app.Patients.Contacts[submission] = new PatientContact(Samples.PatientName, Samples.PatientEmail, null, "en", true);
            var (opened, acknowledgement) = Case(submission);
            await app.Publish(opened with { SubmittedBy = SubmissionOrigin.Staff });
            await Eventually.UntilAsync(() => Task.FromResult(app.ConsumedCount<CaseOpened>() == i + 1), TimeSpan.FromSeconds(15), "the case", Ct);
            await app.Publish(acknowledgement);
        }

        await app.DeliveriesWhenAsync(d => d.Count(x => x.Status == DeliveryStatus.Delivered) == 2, "both acknowledgements");
    }

    [Fact]
    public async Task The_acknowledgement_greets_with_the_name_stripped_of_control_characters_and_links()
    {
        await using var app = await NotificationApp.StartAsync();
        var submission = Guid.NewGuid();
        app.Patients.Contacts[submission] = new PatientContact("Jane\u202e\u0007 Roe https://evil.example/claim www.prize.test win@evil.example", Samples.PatientEmail, null, "en", true);
        var (opened, acknowledgement) = Case(submission);

        await app.Publish(opened);
        await app.Publish(acknowledgement);
        await app.DeliveriesWhenAsync(d => d.Count == 1 && d[0].Status == DeliveryStatus.Delivered, "the acknowledgement");

        var email = Assert.Single(app.Smtp.Received);
        Assert.Contains("Dear Jane Roe,", email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("prize", email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202e", email.Body, StringComparison.Ordinal);
    }
}
