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
        });
        var caseId = await ConcernToCaseTests.CaseIdOfAsync(staff, submissionId, platform.AllOutput);
        var caseNumber = (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct)).GetProperty("caseNumber").GetString()!;

        // The unit's deadline passes: the case escalates to the department, and its head is emailed.
        var email = await Eventually.UntilAsync(
            () => Task.FromResult(platform.Smtp!.To(DepartmentHeadEmail).FirstOrDefault(m => m.Subject.Contains(caseNumber, StringComparison.Ordinal))),
            Deadline, $"an email about {caseNumber} to reach the department head.{Environment.NewLine}{platform.AllOutput()}", Ct);
        Assert.Contains("department level", email.Subject, StringComparison.Ordinal);
        Assert.Contains($"http://console.e2e.test/cases/{caseId}", email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Ngozi", email.Body, StringComparison.Ordinal);

        // Their inbox, through the gateway, with a token whose subject is that person.
        var head = await platform.StaffClientAsync("department-head", Facility, DepartmentHead);
        var inbox = await Eventually.UntilAsync<object>(async () =>
        {
            var view = await head.GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox", Ct);
            return view.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("caseId").GetString() == caseId.ToString()) ? view : null;
        }, Deadline, "the escalation to show in the department head's inbox", Ct);
        var entry = ((JsonElement)inbox).GetProperty("items").EnumerateArray().First(i => i.GetProperty("caseId").GetString() == caseId.ToString());
        Assert.Equal("case-escalated", entry.GetProperty("event").GetString());
        Assert.Equal(caseNumber, entry.GetProperty("caseNumber").GetString());
        Assert.True(((JsonElement)inbox).GetProperty("unread").GetInt32() >= 1);

        // The patient asked for a response: they were acknowledged (intake's contact details read over gRPC with a service token).
        // Outside their quiet hours it arrives at once; inside them it is deferred, which the delivery status shows.
        var deliveries = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?caseId={caseId}&pageSize=100", Ct);
        var items = deliveries.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(items, d => d.GetProperty("recipientId").GetString() == DepartmentHead && d.GetProperty("channel").GetString() == "email"
            && d.GetProperty("status").GetString() == "delivered");
        var patient = Assert.Single(items, d => d.GetProperty("recipientKind").GetString() == "patient");
        Assert.Contains(patient.GetProperty("status").GetString(), new[] { "pending", "sending", "deferred", "delivered" });
        Assert.DoesNotContain(PatientEmail, deliveries.ToString(), StringComparison.Ordinal);

        // Each recipient was emailed once about this escalation, however the events travelled.
        Assert.Single(platform.Smtp!.To(DepartmentHeadEmail), m => m.Subject.Contains(caseNumber, StringComparison.Ordinal) && m.Subject.Contains("department level", StringComparison.Ordinal));
    }
}
