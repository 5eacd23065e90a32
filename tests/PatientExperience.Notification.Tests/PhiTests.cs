using System.Reflection;
using PatientExperience.Contracts.Case;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Contacts;
using PatientExperience.Notification.Templates;

namespace PatientExperience.Notification.Tests;

/// <summary>No SMS or pager text, no log line and no trace carries the patient's name, contact details, MRN or story.</summary>
public sealed class PhiTests
{
    private const string Mrn = "MRN-NOTIF-7730021";
    private const string StoryMarker = "marmalade-stairwell-incident";
    private static readonly string[] Phi = [Samples.PatientName, Samples.PatientEmail, Samples.PatientPhone, Mrn, StoryMarker];

    [Fact]
    public async Task Sms_and_pager_text_logs_and_traces_carry_no_patient_details()
    {
        await using var app = await NotificationApp.StartAsync(settings: new Dictionary<string, string?>());
        await ReliabilityTests.SetPreferencesAsync(app, Samples.Executive.PersonId, critical: ["email", "sms", "pager"]);
        var c = app.KnownCase("critical");
        // The patient's details are in play: they are acknowledged and sent an interim notice, while staff are paged.
        app.Patients.Contacts[c.SubmissionId] = new PatientContact($"{Samples.PatientName} {Mrn}", Samples.PatientEmail, Samples.PatientPhone, "en", true);
        await app.Publish(new CaseOpened
        {
            CaseId = c.CaseId, CaseNumber = c.CaseNumber, SubmissionId = c.SubmissionId, FacilityId = c.FacilityId, DepartmentId = c.DepartmentId, UnitId = c.UnitId,
            Channel = FeedbackChannel.Web, Status = CaseStatus.New, OpenedAt = NotificationApp.Start, Severity = Severity.Critical, Kind = FeedbackKind.Complaint,
        });
        await app.Publish(Samples.Escalated(c, "critical", "executive", Samples.Executive, Samples.DepartmentHead));
        await app.Publish(new InterimNoticeDue { CaseId = c.CaseId, FacilityId = c.FacilityId, SubmissionId = c.SubmissionId, DueAt = NotificationApp.Start, Severity = Severity.Critical });
        // And one patient message fails, so the failure paths log too.
        app.Smtp.RecipientPolicy = to => to == Samples.PatientEmail ? new SmtpServer.Protocol.SmtpResponse(SmtpServer.Protocol.SmtpReplyCode.MailboxUnavailable, "no") : null;
        await app.Publish(new ResponseLetterIssued
        {
            CaseId = c.CaseId, FacilityId = c.FacilityId, SubmissionId = c.SubmissionId, LetterId = Guid.NewGuid(), Kind = LetterKind.Final, IssuedBy = "x", IssuedAt = NotificationApp.Start,
        });

        await app.DeliveriesWhenAsync(d => d.Count(x => x.IsPatient) >= 3 && d.All(x => DeliveryStatus.IsFinal(x.Status))
            && d.Count(x => x.Channel is "sms" or "pager" && !x.IsPatient) == 4, "every delivery to be final");

        var staffShortText = app.Webhooks.Calls.Where(x => x.To != Samples.PatientPhone).ToList();
        Assert.Equal(4, staffShortText.Count);
        foreach (var call in app.Webhooks.Calls)
        {
            Assert.Contains(c.CaseNumber, call.Text, StringComparison.Ordinal);
            foreach (var phi in Phi.Except([Samples.PatientPhone])) Assert.DoesNotContain(phi, call.RawBody, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var call in staffShortText) Assert.DoesNotContain(Samples.PatientPhone, call.RawBody, StringComparison.Ordinal);
        // Staff email carries no patient details either.
        foreach (var email in app.Smtp.Received.Where(m => !m.To.Contains(Samples.PatientEmail)))
        {
            foreach (var phi in Phi) Assert.DoesNotContain(phi, email.Subject + email.Body, StringComparison.OrdinalIgnoreCase);
        }

        Assert.NotEmpty(app.Logs.Messages);
        foreach (var line in app.Logs.Messages)
        {
            foreach (var phi in Phi) Assert.DoesNotContain(phi, line, StringComparison.OrdinalIgnoreCase);
        }

        Assert.NotEmpty(app.Activities);
        foreach (var activity in app.Activities)
        {
            var text = string.Join(" | ", new[] { activity.DisplayName, activity.OperationName, activity.StatusDescription ?? "" }
                .Concat(activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))
                .Concat(activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}"))));
            foreach (var phi in Phi) Assert.DoesNotContain(phi, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Sms_and_pager_templates_can_only_see_ids_case_number_level_severity_and_facility()
    {
        var fields = typeof(ShortTextModel).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order();
        Assert.Equal(["CaseId", "CaseNumber", "Facility", "FacilityId", "Level", "Link", "Severity"], fields);
        var staff = typeof(StaffMessageModel).GetProperties().Select(p => p.Name).ToList();
        Assert.DoesNotContain(staff, n => n.Contains("Patient", StringComparison.Ordinal) || n.Contains("Mrn", StringComparison.Ordinal) || n.Contains("Description", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_template_that_asks_for_patient_details_in_a_text_message_gets_nothing()
    {
        var dir = Directory.CreateTempSubdirectory("pxp-templates-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "patient"));
            Directory.CreateDirectory(Path.Combine(dir.FullName, "staff"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "patient", "interim-notice-due.en.mustache"),
                "== subject ==\nHi {{patientName}}\n== email ==\nDear {{patientName}}\n== sms ==\n[{{patientName}}] [{{PatientName}}] case {{caseNumber}}", TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "staff", "case-escalated.en.mustache"),
                "== subject ==\nx\n== email ==\nx\n== inbox ==\nx\n== sms ==\n[{{recipientName}}][{{reason}}][{{message}}] {{caseNumber}}\n== pager ==\n[{{department}}] {{caseNumber}}", TestContext.Current.CancellationToken);
            var renderer = new TemplateRenderer(Microsoft.Extensions.Options.Options.Create(new NotificationOptions { TemplateDirectory = dir.FullName }));

            var patient = new PatientMessageModel { Event = "interim-notice-due", PatientName = Samples.PatientName, CaseNumber = "PX-1", Facility = "Riverside" };
            Assert.Equal("[] [] case PX-1", renderer.RenderPatient("interim-notice-due", "en", "sms", patient).Body);
            Assert.Equal($"Dear {Samples.PatientName}", renderer.RenderPatient("interim-notice-due", "en", "email", patient).Body);

            var staff = new StaffMessageModel
            {
                Event = "case-escalated", CaseNumber = "PX-2", FacilityId = "f", Facility = "F", Severity = "high", RecipientName = "Naomi", Reason = "manual",
                Department = "Emergency", Message = "free text",
            };
            Assert.Equal("[][][] PX-2", renderer.RenderStaff("case-escalated", "sms", staff).Body);
            Assert.Equal("[] PX-2", renderer.RenderStaff("case-escalated", "pager", staff).Body);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_built_in_template_renders_every_channel_in_every_locale()
    {
        var renderer = new TemplateRenderer(Microsoft.Extensions.Options.Options.Create(new NotificationOptions()));
        var staff = new StaffMessageModel
        {
            Event = "x", CaseId = Guid.NewGuid(), CaseNumber = "PX-260310-ABCDEF12", FacilityId = "riverside-general", Facility = "Riverside General Hospital",
            Department = "Emergency Department", Unit = "Adult ED", Severity = "high", Level = "department", FromLevel = "unit", Reason = "deadline-missed",
            Deadline = "acknowledge", When = "2026-03-10 12:00 America/New_York", RecipientName = "Naomi Reid", Link = "https://console.test/cases/1",
            Title = "Title", Message = "Message",
        };
        foreach (var e in new[] { "case-escalated", "sla-breached", "case-assigned", "case-resolved", "send-notification" })
        {
            foreach (var channel in new[] { "email", "sms", "pager", "inbox" })
            {
                var r = renderer.RenderStaff(e, channel, staff);
                Assert.False(string.IsNullOrWhiteSpace(r.Body), $"{e}/{channel}");
                // The sender's own title and message are the inbox entry of a SendNotification; everything else names the case.
                if (!(e == "send-notification" && channel == "inbox"))
                    Assert.Contains(channel == "pager" ? "riverside-general" : "PX-260310-ABCDEF12", r.Subject + r.Body, StringComparison.Ordinal);
                Assert.DoesNotContain("{{", r.Body, StringComparison.Ordinal);
                if (channel is "sms" or "pager") Assert.True(r.Body.Length <= 160, $"{e}/{channel} is {r.Body.Length} characters");
            }
        }

        foreach (var e in new[] { "case-opened", "interim-notice-due", "response-letter-issued" })
        {
            foreach (var locale in TemplateRenderer.Locales)
            {
                foreach (var channel in new[] { "email", "sms" })
                {
                    var r = renderer.RenderPatient(e, locale, channel, new PatientMessageModel { Event = e, PatientName = "Jane", CaseNumber = "PX-9", Facility = "Riverside", LetterKind = "final" });
                    Assert.Contains("PX-9", r.Body, StringComparison.Ordinal);
                    Assert.DoesNotContain("{{", r.Body, StringComparison.Ordinal);
                    if (channel == "email") Assert.False(string.IsNullOrWhiteSpace(r.Subject));
                }
            }
        }
    }
}
