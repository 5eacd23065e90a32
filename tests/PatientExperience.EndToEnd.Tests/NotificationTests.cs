using System.Net.Http.Json;
using System.Text.Json;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// The notification service as its own process over RabbitMQ, sending real SMTP to a server this test hosts: an escalation
/// reaches the department head's mailbox within seconds and shows in their inbox through the gateway.
/// </summary>
public sealed class NotificationTests(PlatformFixture platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private const string Facility = "riverside-general";
    private const string DepartmentHead = "rg-surgery-head";
    private const string DepartmentHeadEmail = "wendy.zimmerman@example.org";
    private const string PatientEmail = "n.okonkwo-e2e@example.org";

    [Fact]
    public async Task A_complaint_whose_acknowledgement_deadline_passes_emails_the_department_head_and_fills_their_inbox()
    {
        platform.Require();
        var admin = await platform.StaffClientAsync("admin", "*");
        var policy = await admin.PutAsJsonAsync($"/api/v1/facilities/{Facility}/sla-policy",
            new { acknowledge = "PT3S", interimNotice = "PT10M", response = "PT20M", days = "calendar" }, Ct);
        Assert.True(policy.IsSuccessStatusCode, $"PUT sla-policy: {(int)policy.StatusCode} {await policy.Content.ReadAsStringAsync(Ct)}");

        var staff = await platform.StaffClientAsync();
        var submissionId = await ConcernToCaseTests.SubmitAsync(platform.AnonymousClient(), new
        {
            facilityId = Facility, departmentId = "surgery", unitId = "6-north", channel = "web", kind = "complaint",
            description = "Nobody told us when the operation would be.", responseRequested = true,
            patient = new { name = "Ngozi Okonkwo", email = PatientEmail, preferredLanguage = "en" },
        }, diagnostics: platform.AllOutput);
        var caseId = await ConcernToCaseTests.CaseIdOfAsync(staff, submissionId, platform.AllOutput);
        var caseNumber = (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct)).GetProperty("caseNumber").GetString()!;

        // The unit's deadline passes: the case escalates to the department, and its head is emailed.
        var email = await Eventually.UntilAsync(
            () => Task.FromResult(platform.Smtp!.To(DepartmentHeadEmail).FirstOrDefault(m => m.Subject.Contains(caseNumber, StringComparison.Ordinal) && m.Subject.Contains("escalated to you", StringComparison.Ordinal))),
            Deadline, $"an email about {caseNumber} to reach the department head.{Environment.NewLine}{platform.AllOutput()}", Ct);
        Assert.Contains("department level", email.Subject, StringComparison.Ordinal);
        Assert.Contains($"http://console.e2e.test/cases/{caseId}", email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Ngozi", email.Body, StringComparison.Ordinal);

        // Their inbox, through the gateway, with a token whose subject is that person.
        var head = await platform.StaffClientAsync("department-head", Facility, DepartmentHead);
        var inbox = await Eventually.UntilAsync<object>(async () =>
        {
            var view = await head.GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox", Ct);
            return view.GetProperty("items").EnumerateArray().Any(i => IsEscalationOf(i, caseId)) ? view : null;
        }, Deadline, "the escalation to show in the department head's inbox", Ct);
        // The missed deadline itself (sla-breached) may be in the inbox too; the escalation is there once.
        var entry = Assert.Single(((JsonElement)inbox).GetProperty("items").EnumerateArray(), i => IsEscalationOf(i, caseId));
        Assert.Equal(caseNumber, entry.GetProperty("caseNumber").GetString());
        Assert.True(((JsonElement)inbox).GetProperty("unread").GetInt32() >= 1);

        // The patient asked for a response: they are acknowledged by email (intake's contact details read over gRPC with a
        // service token; this platform has no patient quiet hours). A transient failure on the way is retried, so the test
        // waits for the delivery to be delivered rather than accepting whatever state it is in at the moment.
        var deliveries = await Eventually.UntilAsync<object>(async () =>
        {
            var view = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?caseId={caseId}&pageSize=100", Ct);
            var patientDeliveries = view.GetProperty("items").EnumerateArray().Where(d => d.GetProperty("recipientKind").GetString() == "patient");
            return patientDeliveries.Any(d => d.GetProperty("status").GetString() == "delivered") ? view : null;
        }, Deadline, $"the patient's acknowledgement to be delivered.{Environment.NewLine}{platform.AllOutput()}", Ct);
        var items = ((JsonElement)deliveries).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(items, d => d.GetProperty("recipientId").GetString() == DepartmentHead && d.GetProperty("channel").GetString() == "email"
            && d.GetProperty("status").GetString() == "delivered");
        var patient = Assert.Single(items, d => d.GetProperty("recipientKind").GetString() == "patient");
        Assert.Equal("email", patient.GetProperty("channel").GetString());
        Assert.DoesNotContain(PatientEmail, deliveries.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(platform.Smtp!.To(PatientEmail));

        // Each recipient was emailed once about this escalation, however the events travelled (missed deadlines are
        // emails of their own: "Deadline missed on case ...").
        Assert.Single(platform.Smtp!.To(DepartmentHeadEmail), m => m.Subject.Contains(caseNumber, StringComparison.Ordinal) && m.Subject.Contains("escalated to you (department level)", StringComparison.Ordinal));
    }

    private static bool IsEscalationOf(JsonElement item, Guid caseId) =>
        item.GetProperty("caseId").GetString() == caseId.ToString() && item.GetProperty("event").GetString() == "case-escalated";
}
