using System.Net;
using PatientExperience.Client;

namespace PatientExperience.Web.Tests;

/// <summary>The case page: actions carry the version seen as If-Match; a conflict shows what changed; the letter's missing elements.</summary>
public sealed class ConsoleCasePageTests : IDisposable
{
    private readonly WebApp _app = new();
    private readonly Guid _id = Guid.NewGuid();

    public void Dispose() => _app.Dispose();

    private Dictionary<string, string> Seen(CaseView c) => new()
    {
        ["Input.Version"] = c.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Input.SeenStatus"] = c.Status, ["Input.SeenLevel"] = c.EscalationLevel, ["Input.SeenAssignee"] = c.AssigneeId ?? "",
        ["Input.SeenHistory"] = c.History.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Acknowledging_sends_the_version_seen_as_if_match_and_returns_to_the_case()
    {
        var seen = ConsoleUser.Case(_id, version: 3);
        _app.Gateway.Answer("GET", $"/api/v1/cases/{_id}", HttpStatusCode.OK, ConsoleUser.Json(seen));
        _app.Gateway.Answer("POST", $"/api/v1/cases/{_id}/acknowledge", HttpStatusCode.OK, ConsoleUser.Json(ConsoleUser.Case(_id, status: "acknowledged", version: 4)));
        var user = new ConsoleUser(_app);
        await user.SignInAsync();
        var page = await user.GetPageAsync($"/console/cases/{_id}");
        Assert.Contains("Written complaint about care.", page, StringComparison.Ordinal); // the classification's reason

        using var response = await user.PostFormAsync($"/console/cases/{_id}", page, "acknowledge", Seen(seen));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/console/cases/{_id}?done=acknowledged", ConsoleSignInTests.PathOf(response.Headers.Location!));
        var ack = Assert.Single(_app.Gateway.To("POST", $"/api/v1/cases/{_id}/acknowledge"));
        Assert.Equal("\"3\"", ack.Headers["If-Match"]);
        Assert.Equal($"Bearer {user.AccessToken}", ack.Headers["Authorization"]);
    }

    [Fact]
    public async Task A_stale_version_is_refused_and_the_page_says_someone_else_changed_the_case_and_what()
    {
        var seen = ConsoleUser.Case(_id, version: 3);
        var now = ConsoleUser.Case(_id, status: "acknowledged", level: "department", version: 5);
        now.AssigneeId = "adv-2";
        now.History.Add(new TimelineEntryView { At = DateTimeOffset.Parse("2026-12-01T10:00:00Z"), Actor = "rg-emergency-head", Action = "acknowledged" });
        var reads = 0;
        _app.Gateway.Answer("GET", $"/api/v1/cases/{_id}", (_, _) =>
            WebAppJson(Interlocked.Increment(ref reads) == 1 ? seen : now));
        _app.Gateway.Answer("POST", $"/api/v1/cases/{_id}/resolve", HttpStatusCode.PreconditionFailed,
            """{"title":"The case has changed.","status":412,"detail":"The case has changed since version \"3\"; it is now at \"5\"."}""", "application/problem+json");
        var user = new ConsoleUser(_app);
        await user.SignInAsync();
        var page = await user.GetPageAsync($"/console/cases/{_id}");

        using var response = await user.PostFormAsync($"/console/cases/{_id}", page, "resolve", Seen(seen));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shown = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("Someone else changed this case", shown, StringComparison.Ordinal);
        Assert.Contains("Status: <del>new</del> &rarr; <ins>acknowledged</ins>".Replace("&rarr;", "\u2192"), shown, StringComparison.Ordinal);
        Assert.Contains("Escalation level: <del>unit</del> \u2192 <ins>department</ins>", shown, StringComparison.Ordinal);
        Assert.Contains("Assignee: <del>none</del> \u2192 <ins>adv-2</ins>", shown, StringComparison.Ordinal);
        Assert.Contains("rg-emergency-head acknowledged", shown, StringComparison.Ordinal);
        Assert.Contains("name=\"Input.Version\" value=\"5\"", shown, StringComparison.Ordinal); // acting again uses the current version
    }

    [Fact]
    public async Task A_new_version_that_changed_nothing_the_person_saw_is_acted_on_once_more_with_the_current_version()
    {
        var seen = ConsoleUser.Case(_id, status: "response-sent", version: 6);
        var now = ConsoleUser.Case(_id, status: "response-sent", version: 7); // the saga's bookkeeping: same status, level, assignee, timeline
        var reads = 0;
        _app.Gateway.Answer("GET", $"/api/v1/cases/{_id}", (_, _) => WebAppJson(Interlocked.Increment(ref reads) == 1 ? seen : now));
        _app.Gateway.Answer("POST", $"/api/v1/cases/{_id}/resolve", (request, _) => request.Headers.IfMatch.ToString() == "\"7\""
            ? WebAppJson(ConsoleUser.Case(_id, status: "resolved", version: 8))
            : FakeGateway.Json(HttpStatusCode.PreconditionFailed, """{"title":"The case has changed.","status":412}""", "application/problem+json"));
        var user = new ConsoleUser(_app);
        await user.SignInAsync();
        var page = await user.GetPageAsync($"/console/cases/{_id}");

        using var response = await user.PostFormAsync($"/console/cases/{_id}", page, "resolve", Seen(seen));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/console/cases/{_id}?done=resolved", ConsoleSignInTests.PathOf(response.Headers.Location!));
        Assert.Equal(["\"6\"", "\"7\""], _app.Gateway.To("POST", $"/api/v1/cases/{_id}/resolve").Select(r => r.Headers["If-Match"]));
    }

    [Fact]
    public async Task A_version_that_keeps_changing_invisibly_is_shown_as_a_conflict_after_one_more_attempt()
    {
        var seen = ConsoleUser.Case(_id, version: 3);
        var reads = 0;
        _app.Gateway.Answer("GET", $"/api/v1/cases/{_id}", (_, _) => WebAppJson(ConsoleUser.Case(_id, version: 3 + Interlocked.Increment(ref reads))));
        _app.Gateway.Answer("POST", $"/api/v1/cases/{_id}/resolve", HttpStatusCode.PreconditionFailed, """{"title":"The case has changed.","status":412}""", "application/problem+json");
        var user = new ConsoleUser(_app);
        await user.SignInAsync();
        var page = await user.GetPageAsync($"/console/cases/{_id}");

        using var response = await user.PostFormAsync($"/console/cases/{_id}", page, "resolve", Seen(seen));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Someone else changed this case", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(2, _app.Gateway.To("POST", $"/api/v1/cases/{_id}/resolve").Count());
    }

    [Fact]
    public async Task A_final_letter_the_api_finds_incomplete_shows_the_missing_elements_and_keeps_what_was_written()
    {
        var seen = ConsoleUser.Case(_id, version: 3);
        _app.Gateway.Answer("GET", $"/api/v1/cases/{_id}", HttpStatusCode.OK, ConsoleUser.Json(seen));
        _app.Gateway.Answer("POST", $"/api/v1/cases/{_id}/letters", HttpStatusCode.UnprocessableEntity,
            """{"title":"Required elements are missing.","status":422,"detail":"The response letter lacks required elements: stepsTaken, completionDate.","missing":["stepsTaken","completionDate"]}""",
            "application/problem+json");
        var user = new ConsoleUser(_app);
        await user.SignInAsync();
        var page = await user.GetPageAsync($"/console/cases/{_id}");

        using var response = await user.PostFormAsync($"/console/cases/{_id}", page, "letter", new(Seen(seen))
        {
            ["Input.LetterKind"] = "final", ["Input.ContactName"] = "Dana Reyes, patient relations", ["Input.Results"] = "Staff retrained.",
        });

        var shown = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("2 required elements are missing", shown, StringComparison.Ordinal);
        Assert.Contains("class=\"missing\" data-element=\"stepsTaken\"", shown, StringComparison.Ordinal);
        Assert.Contains("class=\"missing\" data-element=\"completionDate\"", shown, StringComparison.Ordinal);
        Assert.Contains("class=\"present\" data-element=\"contactName\"", shown, StringComparison.Ordinal);
        Assert.Contains("value=\"Dana Reyes, patient relations\"", shown, StringComparison.Ordinal);
        var sent = Assert.Single(_app.Gateway.To("POST", $"/api/v1/cases/{_id}/letters"));
        Assert.Contains("\"kind\":\"final\"", sent.Body, StringComparison.Ordinal);
        Assert.Equal("\"3\"", sent.Headers["If-Match"]);
    }

    private static HttpResponseMessage WebAppJson(CaseView c) => FakeGateway.Json(HttpStatusCode.OK, ConsoleUser.Json(c));
}
