using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// Issue 12's work around a case, in the standalone process through the gateway: the guidance that applies to a billing
/// concern, a task for a department completed from its worklist, and an improvement action that reaches the month's
/// governance pack through the bus and the reporting service.
/// </summary>
public sealed class StandaloneDepartmentWorkTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly XNamespace Html = "http://www.w3.org/1999/xhtml";
    private readonly StandaloneHost _host = new("department-work");

    public async ValueTask InitializeAsync() => await _host.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_billing_concern_gets_its_guidance_a_departments_task_is_completed_and_an_improvement_action_reaches_the_governance_pack()
    {
        var anonymous = new HttpClient { BaseAddress = _host.Gateway };
        var token = (await anonymous.GetFromJsonAsync<JsonElement>("/dev/token?role=patient-relations&facility=riverside-general", Ct)).GetProperty("accessToken").GetString();
        var staff = new HttpClient { BaseAddress = _host.Gateway };
        staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var caseId = await ConcernToCaseTests.CaseIdOfAsync(staff, await ConcernToCaseTests.SubmitAsync(anonymous, ConcernToCaseTests.Concern(), diagnostics: () => _host.Process!.Output), () => _host.Process!.Output);

        // Guidance: a billing concern gets the financial-counselling contact.
        await EscalationTests.ActAsync(staff, caseId, "classification", new { category = "billing", reason = "About the bill for the visit" });
        var guidance = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}/guidance", Ct);
        Assert.Contains("billing-financial-counselling", guidance.EnumerateArray().Select(g => g.GetProperty("key").GetString()));

        // A task for the billing department: on its worklist, completed with a note.
        await EscalationTests.ActAsync(staff, caseId, "tasks", new { departmentId = "billing", description = "Check the itemised bill", dueAt = DateTimeOffset.UtcNow.AddDays(3) });
        var taskId = (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct)).GetProperty("tasks").EnumerateArray().Single().GetProperty("id").GetGuid();
        await Eventually.UntilAsync(async () => (await staff.GetFromJsonAsync<JsonElement>("/api/v1/tasks?departmentId=billing&status=open", Ct))
            .GetProperty("items").EnumerateArray().Any(t => t.GetProperty("taskId").GetGuid() == taskId), TimeSpan.FromSeconds(30), "the task on the billing worklist", Ct);
        await EscalationTests.ActAsync(staff, caseId, $"tasks/{taskId}/complete", new { note = "Bill corrected" });
        await Eventually.UntilAsync(async () => (await staff.GetFromJsonAsync<JsonElement>("/api/v1/tasks?departmentId=billing&status=done", Ct))
            .GetProperty("items").EnumerateArray().Any(t => t.GetProperty("taskId").GetGuid() == taskId), TimeSpan.FromSeconds(30), "the task done on the worklist", Ct);

        // An improvement action linked to the case, under way: in this month's governance pack, open and not overdue.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var due = today.AddDays(10);
        var proposed = await staff.PostAsJsonAsync("/api/v1/improvement-actions", new
        {
            facilityId = "riverside-general", departmentId = "billing", title = "Itemised bills explained at discharge", theme = "billing",
            linkedCaseIds = new[] { caseId }, ownerId = "rg-billing-head", dueDate = due, measure = "Billing complaints halve in a quarter",
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        var actionId = (await proposed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        using (var move = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/improvement-actions/{actionId}/status") { Content = JsonContent.Create(new { status = "in-progress" }) })
        {
            move.Headers.IfMatch.Add(proposed.Headers.ETag!);
            Assert.Equal(HttpStatusCode.OK, (await staff.SendAsync(move, Ct)).StatusCode);
        }

        var month = today.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var row = await Eventually.UntilAsync<IReadOnlyList<string>>(async () =>
        {
            var html = await staff.GetStringAsync($"/api/v1/reports/governance-pack?facilityId=riverside-general&month={month}&format=html", Ct);
            using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
            var section = XDocument.Load(reader).Descendants(Html + "section").Single(s => (string?)s.Attribute("id") == "improvement-actions");
            return section.Descendants(Html + "tr").Select(tr => tr.Elements(Html + "td").Select(td => td.Value).ToList())
                .FirstOrDefault(cells => cells.Count == 6 && cells[0] == actionId.ToString("D")[..8] && cells[3] == "in-progress");
        }, TimeSpan.FromSeconds(30), "the action under way in the governance pack", Ct);
        Assert.Equal([actionId.ToString("D")[..8], "billing", "billing", "in-progress", due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "no"], row);
    }
}
