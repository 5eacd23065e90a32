using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>
/// Flow 2 across processes over RabbitMQ, with a facility policy in seconds: a complaint submitted at the gateway escalates
/// unit -> department -> executive as its deadlines pass, an acknowledged one does not, and a crash of the case service
/// with deadlines pending neither loses nor repeats one.
/// </summary>
public sealed class EscalationTests(PlatformFixture platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan LevelDeadline = TimeSpan.FromSeconds(30);
    private const string Facility = "mesa-valley";

    private static object Complaint() => new
    {
        facilityId = Facility, departmentId = "cardiology", unitId = "cvicu", channel = "phone", kind = "complaint",
        description = "Nobody came when the call bell rang", responseRequested = false,
    };

    private async Task<HttpClient> AdminAsync() => await platform.StaffClientAsync("admin", "*");

    private async Task UsePolicyAsync(string acknowledge)
    {
        var admin = await AdminAsync();
        var response = await admin.PutAsJsonAsync($"/api/v1/facilities/{Facility}/sla-policy",
            new { acknowledge, interimNotice = "PT10M", response = "PT20M", days = "calendar" }, Ct);
        Assert.True(response.IsSuccessStatusCode, $"PUT sla-policy: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private async Task<(Guid CaseId, JsonElement Case)> OpenAsync(HttpClient staff)
    {
        var submissionId = await ConcernToCaseTests.SubmitAsync(platform.AnonymousClient(), Complaint(), diagnostics: platform.AllOutput);
        var caseId = await ConcernToCaseTests.CaseIdOfAsync(staff, submissionId, platform.AllOutput);
        return (caseId, await WaitForAsync(staff, caseId, c => c.GetProperty("sla").TryGetProperty("nextDeadline", out var d) && d.ValueKind == JsonValueKind.String, "its escalation to start"));
    }

    private async Task<JsonElement> WaitForAsync(HttpClient staff, Guid caseId, Func<JsonElement, bool> condition, string because) =>
        await Eventually.UntilAsync<object>(async () =>
        {
            var c = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct);
            return condition(c) ? c : null;
        }, LevelDeadline, $"case {caseId}: {because}.{Environment.NewLine}{platform.AllOutput()}", Ct) is JsonElement found ? found : default;

    private static IReadOnlyList<JsonElement> History(JsonElement c, string action) =>
        c.GetProperty("history").EnumerateArray().Where(h => h.GetProperty("action").GetString() == action).ToList();

    [Fact]
    public async Task A_complaint_escalates_from_the_unit_to_the_department_to_the_executives_as_its_deadlines_pass()
    {
        platform.Require();
        await UsePolicyAsync("PT3S");
        var staff = await platform.StaffClientAsync();
        var (caseId, opened) = await OpenAsync(staff);
        Assert.Equal("unit", opened.GetProperty("escalationLevel").GetString());
        var openedAt = opened.GetProperty("openedAt").GetDateTimeOffset();

        var atDepartment = await WaitForAsync(staff, caseId, c => c.GetProperty("escalationLevel").GetString() == "department", "escalation to the department");
        var atExecutive = await WaitForAsync(staff, caseId, c => c.GetProperty("escalationLevel").GetString() == "executive", "escalation to the executives");

        Assert.Equal("breached", atExecutive.GetProperty("sla").GetProperty("state").GetString());
        var breaches = History(atExecutive, "sla-breached");
        Assert.True(breaches.Count >= 2, atExecutive.ToString());
        // Never early: each escalation happened at or after the deadline of the level before it.
        Assert.All(breaches, b => Assert.True(b.GetProperty("at").GetDateTimeOffset() >= openedAt.AddSeconds(3), b.ToString()));
        Assert.Equal("department", atDepartment.GetProperty("escalationLevel").GetString());
    }

    [Fact]
    public async Task A_complaint_acknowledged_before_its_deadline_does_not_escalate()
    {
        platform.Require();
        await UsePolicyAsync("PT4S");
        var staff = await platform.StaffClientAsync("unit-manager", Facility);
        var (acknowledged, _) = await OpenAsync(staff);
        await ActAsync(staff, acknowledged, "acknowledge");
        await WaitForAsync(staff, acknowledged, c => c.GetProperty("sla").GetProperty("nextDeadlineKind").GetString() == "interim-notice", "the acknowledgement clock to stop");

        // A case opened later, left alone, escalates; by then the acknowledged case's deadline has long passed.
        var (unattended, _) = await OpenAsync(staff);
        await WaitForAsync(staff, unattended, c => c.GetProperty("escalationLevel").GetString() == "department", "the unattended case to escalate");

        var c = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{acknowledged}", Ct);
        Assert.Equal("unit", c.GetProperty("escalationLevel").GetString());
        Assert.Equal("on-track", c.GetProperty("sla").GetProperty("state").GetString());
        Assert.Empty(History(c, "sla-breached"));
    }

    [Fact]
    public async Task Deadlines_pending_while_the_case_service_crashes_fire_once_after_it_restarts()
    {
        platform.Require();
        await UsePolicyAsync("PT6S");
        var staff = await platform.StaffClientAsync();
        var (caseId, _) = await OpenAsync(staff);

        platform.Case!.Kill(); // a crash with the unit's deadline pending
        await platform.Case.DisposeAsync();
        await platform.RestartCaseAsync(Ct);

        var atExecutive = await WaitForAsync(staff, caseId, c => c.GetProperty("escalationLevel").GetString() == "executive", "escalation to the executives after the restart");
        var breaches = History(atExecutive, "sla-breached").Select(b => b.GetProperty("detail").GetString()!).ToList();
        Assert.Single(breaches, d => d.Contains("missed at level unit", StringComparison.Ordinal));
        Assert.Single(breaches, d => d.Contains("missed at level department", StringComparison.Ordinal));
    }

    internal static async Task ActAsync(HttpClient staff, Guid caseId, string action, object? body = null)
    {
        // As a console does: send the version last read; if the case moved on meanwhile (412), read it again and retry.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await staff.GetAsync($"/api/v1/cases/{caseId}", Ct);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{caseId}/{action}") { Content = JsonContent.Create(body ?? new { }) };
            request.Headers.IfMatch.Add(current.Headers.ETag!);
            var response = await staff.SendAsync(request, Ct);
            if (response.IsSuccessStatusCode) return;
            Assert.True(response.StatusCode == HttpStatusCode.PreconditionFailed, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }

        Assert.Fail($"{action} kept conflicting");
    }
}
