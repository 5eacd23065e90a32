using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using PatientExperience.Testing;

namespace PatientExperience.Browser.Tests;

/// <summary>The patient pages in Chromium through the gateway of the standalone host.</summary>
public sealed class PatientPagesTests(BrowserPlatform platform) : BrowserTest(platform)
{
    [Fact]
    public async Task A_concern_sent_with_the_keyboard_alone_shows_a_reference_and_becomes_a_case()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/feedback");

        // Only Tab, arrow keys, Space, typing and Enter: no mouse.
        await TabToAsync(page, "facility");
        await page.Keyboard.PressAsync("ArrowDown"); // the first hospital
        // Tab enters a radio group at its checked button ("I am not sure", last); the arrow keys move and check.
        await TabToAsync(page, "kind-not-sure");
        for (var i = 0; i < 5; i++) await page.Keyboard.PressAsync("ArrowUp");
        await Assertions.Expect(page.Locator("#kind-complaint")).ToBeCheckedAsync();
        await TabToAsync(page, "description");
        await page.Keyboard.TypeAsync("Waited nine hours in the emergency department without an update.");
        await TabToAsync(page, "email");
        await page.Keyboard.TypeAsync("keyboard.user@example.org");
        await TabToAsync(page, "response-requested");
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(page.Locator("#response-requested")).ToBeCheckedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("button[type=submit]")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/feedback/received/"));
        var reference = (await page.Locator("#reference").InnerTextAsync()).Trim();
        Assert.True(Guid.TryParse(reference, out var submissionId), $"The confirmation shows a reference number: '{reference}'.");
        await ScreenshotAsync(page, "feedback-received-desktop");

        var caseId = await PatientFlows.CaseOfAsync(Platform, submissionId);
        var staff = await Platform.ApiAsync("patient-relations");
        var opened = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct);
        Assert.Equal(submissionId, opened.GetProperty("submissionId").GetGuid());
    }

    [Fact]
    public async Task Field_errors_are_announced_focused_and_tied_to_their_fields()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/feedback");
        await page.Locator("#facility").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await page.Locator("#email").FillAsync("not an address");
        await page.Locator("button[type=submit]").ClickAsync();

        var summary = page.Locator(".error-summary");
        await Assertions.Expect(summary).ToBeVisibleAsync();
        Assert.Equal("alert", await summary.GetAttributeAsync("role"));
        // The browser moves the focus to an autofocus element at its next rendering step, after the element is visible: wait for it.
        await Assertions.Expect(summary).ToBeFocusedAsync();
        Assert.StartsWith("Error: ", await page.TitleAsync(), StringComparison.Ordinal);

        foreach (var field in new[] { "description", "email" })
        {
            var input = page.Locator($"#{field}");
            Assert.Equal("true", await input.GetAttributeAsync("aria-invalid"));
            Assert.Contains($"{field}-error", (await input.GetAttributeAsync("aria-describedby"))!.Split(' '));
            await Assertions.Expect(page.Locator($"#{field}-error")).ToBeVisibleAsync();
            // The accessible description a screen reader announces with the field includes the error.
            var error = (await page.Locator($"#{field}-error").TextContentAsync())!.Trim();
            Assert.StartsWith("Error: ", error, StringComparison.Ordinal);
            Assert.Contains(error, await input.EvaluateAsync<string>("e => e.getAttribute('aria-describedby').split(' ').map(id => document.getElementById(id).textContent.trim()).join(' ')"));
            await Assertions.Expect(summary.Locator($"a[href$='#{field}']")).ToHaveCountAsync(1);
        }
        Assert.Equal("not an address", await page.Locator("#email").InputValueAsync());

        await ScreenshotAsync(page, "feedback-errors-desktop");
        await AssertNoSeriousAccessibilityViolationsAsync(page, "/feedback with errors");
    }

    [Fact]
    public async Task The_status_page_shows_the_stage_and_sends_a_message_to_the_team()
    {
        var (caseId, token) = await PatientFlows.ConcernWithStatusLinkAsync(Platform);
        var page = await NewPageAsync();

        await page.GotoAsync($"/status/{token}");
        await Assertions.Expect(page.Locator("#stage")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Received|Being looked into"));
        await page.Locator("#message").FillAsync("Could someone call me after 5pm?");
        await page.Locator("button[type=submit]").ClickAsync();

        await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("Your message was sent.");
        await Assertions.Expect(page.Locator(".message--mine .message-text")).ToHaveTextAsync("Could someone call me after 5pm?");
        var staff = await Platform.ApiAsync("patient-relations");
        var messages = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}/messages", Ct);
        Assert.Contains(messages.EnumerateArray(), m => m.GetProperty("text").GetString() == "Could someone call me after 5pm?");
    }

    [Fact]
    public async Task A_survey_is_answered_once_and_its_link_then_says_so()
    {
        var token = await PatientFlows.SurveyTokenAsync(Platform);
        var page = await NewPageAsync();

        await page.GotoAsync($"/surveys/{token}");
        var groups = page.Locator("fieldset");
        Assert.True(await groups.CountAsync() > 0, "The survey shows its questions as groups of radio buttons.");
        for (var i = 0; i < await groups.CountAsync(); i++) await groups.Nth(i).Locator("input[type=radio]").Last.CheckAsync();
        await page.Locator("button[type=submit]").ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Thank you for your answers");
        var again = await page.GotoAsync($"/surveys/{token}");
        Assert.Equal(409, again!.Status);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("This survey has already been answered");
    }

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public async Task Axe_finds_no_serious_violation_on_the_patient_pages(string language)
    {
        var (_, statusToken) = await PatientFlows.ConcernWithStatusLinkAsync(Platform, language);
        var surveyToken = await PatientFlows.SurveyTokenAsync(Platform);

        foreach (var (name, path) in new[] { ("feedback", "/feedback"), ("survey", $"/surveys/{surveyToken}"), ("status", $"/status/{statusToken}") })
        {
            foreach (var (size, viewport) in new[] { ("desktop", Desktop), ("phone", Phone) })
            {
                var page = await NewPageAsync(viewport);
                var response = await page.GotoAsync($"{path}?lang={language}");
                Assert.Equal(200, response!.Status);
                Assert.Equal(language, await page.Locator("html").GetAttributeAsync("lang"));
                Assert.Equal(1, await page.Locator("h1").CountAsync());
                await ScreenshotAsync(page, $"{name}-{language}-{size}");
                await AssertNoSeriousAccessibilityViolationsAsync(page, $"{path} ({language}, {size})");
            }
        }
    }

    [Fact]
    public async Task The_skip_link_is_the_first_stop_and_takes_the_keyboard_past_the_header()
    {
        var page = await NewPageAsync(Phone);
        await page.GotoAsync("/feedback");

        await page.Keyboard.PressAsync("Tab");
        var skip = page.Locator(".skip-link");
        await Assertions.Expect(skip).ToBeFocusedAsync();
        await Assertions.Expect(skip).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Tab");

        // Past the header and the language switch: the next stop is the form's first control.
        await Assertions.Expect(page.Locator("#facility")).ToBeFocusedAsync();
    }
}
