using System.Net;
using PatientExperience.Client;

namespace PatientExperience.Web.Tests;

/// <summary>The signed-in person's inbox (read, mark read) and notification preferences (channels per severity, quiet hours).</summary>
public sealed class ConsoleInboxTests : IDisposable
{
    private readonly WebApp _app = new();
    private readonly Guid _entry = Guid.NewGuid();
    private readonly Guid _case = Guid.NewGuid();

    public void Dispose() => _app.Dispose();

    private void AnswerInbox() => _app.Gateway.Answer("GET", "/api/v1/notifications/inbox", HttpStatusCode.OK, ConsoleUser.Json(new InboxView
    {
        Items =
        [
            new InboxItemView { Id = _entry, Event = "case-escalated", CaseId = _case, CaseNumber = "C-2026-000123", FacilityId = "rg", Severity = "high",
                Title = "Case C-2026-000123 escalated to you", Body = "Department level, emergency. Acknowledge by 2 Dec.", CreatedAt = DateTimeOffset.Parse("2026-12-01T10:00:00Z") },
        ],
        Page = 1, PageSize = 25, Total = 1, Unread = 1,
    }));

    [Fact]
    public async Task The_inbox_lists_the_persons_notifications_with_a_link_to_the_case_and_marks_one_read()
    {
        AnswerInbox();
        _app.Gateway.Answer("POST", $"/api/v1/notifications/inbox/{_entry}/read", HttpStatusCode.NoContent);
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "department-head");

        var page = await user.GetPageAsync("/console/inbox?unread=true");

        Assert.Contains("unreadOnly=true", Assert.Single(_app.Gateway.To("GET", "/api/v1/notifications/inbox")).PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("Case C-2026-000123 escalated to you", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/console/cases/{_case}\"", page, StringComparison.Ordinal);
        Assert.Contains("1 unread of 1.", page, StringComparison.Ordinal);

        using var response = await user.PostFormAsync("/console/inbox?unread=true", page, $"read-{_entry}", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/inbox?unread=true&done=read", ConsoleSignInTests.PathOf(response.Headers.Location!));
        var read = Assert.Single(_app.Gateway.To("POST", $"/api/v1/notifications/inbox/{_entry}/read"));
        Assert.Equal($"Bearer {user.AccessToken}", read.Headers["Authorization"]);
    }

    [Fact]
    public async Task Preferences_are_shown_and_saved_as_channels_per_severity_and_quiet_hours()
    {
        _app.Gateway.Answer("GET", "/api/v1/notifications/preferences", HttpStatusCode.OK, ConsoleUser.Json(new PreferencesView
        {
            PersonId = "dev-department-head", IsDefault = true,
            Channels = new ChannelsBySeverity { Low = [], Medium = [], High = ["email"], Critical = ["email", "pager"] },
        }));
        _app.Gateway.Answer("PUT", "/api/v1/notifications/preferences", HttpStatusCode.OK, ConsoleUser.Json(new PreferencesView { PersonId = "dev-department-head", Channels = new ChannelsBySeverity() }));
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "department-head");

        var page = await user.GetPageAsync("/console/preferences");
        Assert.Contains("id=\"ch-critical-pager\" type=\"checkbox\" name=\"channels.critical\" value=\"pager\" checked", page, StringComparison.Ordinal);
        Assert.Contains("these are the platform's defaults", page, StringComparison.Ordinal);

        var form = new FormUrlEncodedContent(new[]
        {
            KeyValuePair.Create("_handler", "preferences"), KeyValuePair.Create("__RequestVerificationToken", ConsoleUser.AntiforgeryToken(page)),
            KeyValuePair.Create("channels.high", "email"), KeyValuePair.Create("channels.high", "sms"),
            KeyValuePair.Create("channels.critical", "pager"), KeyValuePair.Create("channels.low", "telegraph"),
            KeyValuePair.Create("quietStart", "22:00"), KeyValuePair.Create("quietEnd", "07:00"), KeyValuePair.Create("timeZone", "America/Denver"),
        });
        using var response = await user.Browser.PostAsync("/console/preferences", form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/preferences?done=saved", ConsoleSignInTests.PathOf(response.Headers.Location!));
        var put = Assert.Single(_app.Gateway.To("PUT", "/api/v1/notifications/preferences"));
        using var body = System.Text.Json.JsonDocument.Parse(put.Body!);
        var channels = body.RootElement.GetProperty("channels");
        Assert.Equal(["email", "sms"], channels.GetProperty("high").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["pager"], channels.GetProperty("critical").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(0, channels.GetProperty("low").GetArrayLength()); // an unknown channel is not sent
        Assert.Equal("22:00", body.RootElement.GetProperty("quietHours").GetProperty("start").GetString());
        Assert.Equal("07:00", body.RootElement.GetProperty("quietHours").GetProperty("end").GetString());
        Assert.Equal("America/Denver", body.RootElement.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task Refused_preferences_show_the_apis_field_errors_and_keep_what_was_chosen_and_half_quiet_hours_are_not_sent()
    {
        _app.Gateway.Answer("GET", "/api/v1/notifications/preferences", HttpStatusCode.OK, ConsoleUser.Json(new PreferencesView { PersonId = "p", Channels = new ChannelsBySeverity() }));
        _app.Gateway.Answer("PUT", "/api/v1/notifications/preferences", HttpStatusCode.BadRequest,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"timeZone":["Unknown time zone 'Mars/Olympus'."]}}""", "application/problem+json");
        var user = new ConsoleUser(_app);
        await user.SignInAsync(role: "department-head");
        var page = await user.GetPageAsync("/console/preferences");

        using var refused = await user.PostFormAsync("/console/preferences", page, "preferences", new() { ["timeZone"] = "Mars/Olympus", ["channels.high"] = "sms" });
        var shown = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("<a href=\"#time-zone\">Time zone</a>: Unknown time zone 'Mars/Olympus'.", shown, StringComparison.Ordinal);
        Assert.Contains("id=\"time-zone\" name=\"timeZone\" value=\"Mars/Olympus\" autocomplete=\"off\" aria-invalid=\"true\"", shown, StringComparison.Ordinal);
        Assert.Contains("id=\"ch-high-sms\" type=\"checkbox\" name=\"channels.high\" value=\"sms\" checked", shown, StringComparison.Ordinal);

        using var half = await user.PostFormAsync("/console/preferences", page, "preferences", new() { ["quietStart"] = "22:00" });
        Assert.Contains("Give both times, or neither", await half.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Single(_app.Gateway.To("PUT", "/api/v1/notifications/preferences"));
    }
}
