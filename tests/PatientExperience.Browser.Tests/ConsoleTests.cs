using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using PatientExperience.Testing;

namespace PatientExperience.Browser.Tests;

/// <summary>The staff console in Chromium through the gateway of the standalone host: staff sign in with a development token.</summary>
public sealed class ConsoleTests(BrowserPlatform platform) : BrowserTest(platform)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_concern_becomes_a_case_that_staff_acknowledge_write_a_letter_for_and_resolve()
    {
        var caseId = await ConcernAsync("The night nurse ignored my call bell for an hour.");
        var page = await SignedInPageAsync();

        await page.GotoAsync($"/console/cases/{caseId}");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("new");
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=done]")).ToHaveTextAsync("The case is acknowledged.");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("acknowledged");
        // The escalation saga then records on the case that the acknowledgement clock stopped (a new version): acting on the page
        // rendered before that would rightly be a conflict, so wait for it and read the case again, as a person would after one.
        await TimelineHasAsync(caseId, "acknowledgement-clock-stopped");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-testid=timeline]")).ToContainTextAsync("acknowledgement clock stopped");

        // A final letter without the steps taken and the completion date: the API refuses it and the page names what is missing.
        await page.Locator("#contact-name").FillAsync("Dana Reyes, patient relations");
        await page.Locator("#results").FillAsync("The call bell system was repaired and the team retrained.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue the letter" }).ClickAsync();
        await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync("2 required elements are missing");
        await Assertions.Expect(page.Locator("[data-element=stepsTaken]")).ToHaveClassAsync("missing");
        await Assertions.Expect(page.Locator("[data-element=completionDate]")).ToHaveClassAsync("missing");
        await Assertions.Expect(page.Locator("[data-element=contactName]")).ToHaveClassAsync("present");
        await Assertions.Expect(page.Locator("#steps-taken")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#contact-name")).ToHaveValueAsync("Dana Reyes, patient relations");
        await ScreenshotAsync(page, "console-letter-missing-desktop");

        await page.Locator("#steps-taken").FillAsync("Reviewed the call log and spoke with the night team.");
        await page.Locator("#completion-date").FillAsync(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue the letter" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=done]")).ToHaveTextAsync("The letter is recorded.");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("response sent");

        await page.GetByRole(AriaRole.Button, new() { Name = "Resolve", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=done]")).ToHaveTextAsync("The case is resolved.");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("resolved");

        var staff = await Platform.ApiAsync("patient-relations");
        var resolved = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct);
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Contains(resolved.GetProperty("letters").EnumerateArray(), l => l.GetProperty("kind").GetString() == "final");
    }

    [Fact]
    public async Task A_case_changed_through_the_api_after_the_page_loaded_is_a_conflict_that_shows_what_changed()
    {
        var caseId = await ConcernAsync("Nobody explained why my mother's surgery was cancelled.");
        var page = await SignedInPageAsync();
        await page.GotoAsync($"/console/cases/{caseId}");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("new");

        // Someone else acknowledges the case while the page is open.
        var other = await Platform.ApiAsync("patient-relations");
        // The platform may move the case on by itself meanwhile (its deadlines): read and send again on 412, as a console does.
        var acknowledged = await Eventually.UntilAsync<HttpResponseMessage>(async () =>
        {
            var current = await other.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct);
            using var acknowledge = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{caseId}/acknowledge") { Content = JsonContent.Create(new { }) };
            acknowledge.Headers.TryAddWithoutValidation("If-Match", $"\"{current.GetProperty("version").GetInt64()}\"");
            var response = await other.SendAsync(acknowledge, Ct);
            return response.StatusCode == HttpStatusCode.PreconditionFailed ? null : response;
        }, Deadline, "the acknowledgement through the API to be taken", Ct);
        Assert.True(acknowledged.StatusCode == HttpStatusCode.OK, $"POST acknowledge: {(int)acknowledged.StatusCode} {await acknowledged.Content.ReadAsStringAsync(Ct)}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Resolve", Exact = true }).ClickAsync();

        var conflict = page.Locator("[data-testid=conflict]");
        await Assertions.Expect(conflict).ToContainTextAsync("Someone else changed this case");
        await Assertions.Expect(conflict).ToContainTextAsync("Status: new \u2192 acknowledged");
        await Assertions.Expect(conflict).ToContainTextAsync("acknowledged");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToHaveTextAsync("acknowledged"); // the page now shows the current case
        await ScreenshotAsync(page, "console-conflict-desktop");
        var after = await other.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct);
        Assert.Equal("acknowledged", after.GetProperty("status").GetString()); // the stale action changed nothing
    }

    [Fact]
    public async Task Axe_finds_no_serious_violation_on_the_console_pages_at_desktop_and_phone_widths()
    {
        var caseId = await ConcernAsync("The discharge letter had the wrong medication on it.");

        foreach (var (size, viewport) in new[] { ("desktop", Desktop), ("phone", Phone) })
        {
            var page = await SignedInPageAsync(viewport, role: "admin");
            foreach (var (name, path) in new[]
            {
                ("console-worklist", "/console/cases?facility=" + PatientFlows.Facility),
                ("console-case", $"/console/cases/{caseId}"),
                ("console-dashboard", "/console/dashboard?facility=" + PatientFlows.Facility),
                ("console-escalation", $"/console/facilities/{PatientFlows.Facility}/escalation"),
                ("console-inbox", "/console/inbox"),
            })
            {
                var response = await page.GotoAsync(path);
                Assert.Equal(200, response!.Status);
                Assert.Equal(1, await page.Locator("h1").CountAsync());
                await Assertions.Expect(page.Locator("[role=alert]")).ToHaveCountAsync(0); // every call the page made was answered
                if (name == "console-dashboard")
                {
                    // The charts come from the reporting service through the console: wait until every image has loaded.
                    var charts = page.Locator("img[data-chart]");
                    await Assertions.Expect(charts).ToHaveCountAsync(5);
                    for (var i = 0; i < 5; i++) await charts.Nth(i).ScrollIntoViewIfNeededAsync();
                    await page.WaitForFunctionAsync("() => [...document.querySelectorAll('img[data-chart]')].every(i => i.complete && i.naturalWidth > 0)",
                        null, new PageWaitForFunctionOptions { Timeout = 60_000 });
                }

                await ScreenshotAsync(page, $"{name}-{size}");
                await AssertNoSeriousAccessibilityViolationsAsync(page, $"{path} ({size})");
            }
        }
    }

    [Fact]
    public async Task The_dashboard_exports_the_kpis_as_csv_with_the_persons_token()
    {
        var page = await SignedInPageAsync();
        await page.GotoAsync("/console/dashboard?facility=" + PatientFlows.Facility);

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=kpis-csv]").ClickAsync());
        Assert.StartsWith("kpis-" + PatientFlows.Facility, download.SuggestedFilename, StringComparison.Ordinal);
        var path = await download.PathAsync();
        var csv = await File.ReadAllTextAsync(path, Ct);
        Assert.False(string.IsNullOrWhiteSpace(csv), "The export holds the KPIs.");
        Assert.DoesNotContain("<html", csv, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_api_reference_is_served_by_the_gateway()
    {
        var page = await NewPageAsync();
        // The reference is a script of several megabytes that renders the whole platform's document: on a CI host running every
        // test assembly at once, loading and rendering it has taken over the 15 s a console page is given, so it gets a minute
        // (each wait is over as soon as its condition holds).
        var rendering = TimeSpan.FromMinutes(1).TotalMilliseconds;
        var response = await page.GotoAsync("/api-docs", new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = (float)rendering });
        Assert.Equal(200, response!.Status);
        // Scalar renders the platform's document (served by the gateway itself: no network beyond it): its tags in the sidebar.
        var sidebar = page.GetByRole(AriaRole.Complementary);
        await Assertions.Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = "Cases", Exact = true })).ToBeVisibleAsync(new() { Timeout = (float)rendering });
        await Assertions.Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = "Complainant status page", Exact = true })).ToBeVisibleAsync();
        // The viewport only: the reference of the whole API is a page many screens long.
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserPlatform.ScreenshotFolder, "api-docs-desktop.png") });
        Assert.Empty(RequestsBeyondThePlatform);
    }

    /// <summary>A page signed in to the console with a development token for <paramref name="role"/> and every facility.</summary>
    private async Task<IPage> SignedInPageAsync(ViewportSize? viewport = null, string role = "patient-relations")
    {
        var page = await NewPageAsync(viewport);
        await page.GotoAsync("/console/sign-in");
        await page.Locator("#role").SelectOptionAsync(role);
        await page.Locator("#facility").SelectOptionAsync("*");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=signed-in-as]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Worklist");
        return page;
    }

    /// <summary>Waits until the case's timeline has an entry for <paramref name="action"/> (something the platform does after a request).</summary>
    private async Task TimelineHasAsync(Guid caseId, string action)
    {
        var staff = await Platform.ApiAsync("patient-relations");
        await Eventually.UntilAsync<object>(async () =>
        {
            var found = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct);
            return found.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("action").GetString() == action) ? found : null;
        }, Deadline, $"'{action}' in the timeline of case {caseId}.\n{Platform.Standalone?.Output}", Ct);
    }

    /// <summary>
    /// A concern sent through the API as the feedback form sends it; answers the case opened for it once the platform has finished
    /// opening it (the demo's Riverside General assigns new cases to an advocate by itself, a change of the case after it opens).
    /// </summary>
    private async Task<Guid> ConcernAsync(string description)
    {
        var anonymous = await Platform.ApiAsync();
        var key = Guid.NewGuid().ToString("N");
        var concern = new
        {
            facilityId = PatientFlows.Facility, departmentId = "emergency", unitId = "ed-adult", channel = "web", kind = "complaint",
            description, patient = new { email = PatientFlows.NewEmail("console") }, responseRequested = true,
        };
        var submitted = await Eventually.UntilAsync<HttpResponseMessage>(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(concern) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await anonymous.SendAsync(request, Ct);
            return (int)response.StatusCode >= 500 ? null : response;
        }, Deadline, $"POST /api/v1/feedback to answer other than 5xx.\n{Platform.Standalone?.Output}", Ct);
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, $"POST /api/v1/feedback: {(int)submitted.StatusCode}");
        var submissionId = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("submissionId").GetGuid();
        var caseId = await PatientFlows.CaseOfAsync(Platform, submissionId);
        await TimelineHasAsync(caseId, "assigned");
        return caseId;
    }
}
