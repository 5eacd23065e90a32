using System.Net;
using PatientExperience.Client;

namespace PatientExperience.Web.Tests;

/// <summary>The worklist: filters in the query string go to the API, deadlines first, countdowns and badges, paging keeps the filters.</summary>
public sealed class ConsoleWorklistTests : IDisposable
{
    private readonly WebApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Filters_from_the_query_string_reach_the_api_sorted_by_next_deadline_and_paging_keeps_them()
    {
        var user = new ConsoleUser(_app);
        _app.Gateway.Answer("GET", "/api/v1/cases", HttpStatusCode.OK, ConsoleUser.Json(new PagedResponseOfCaseView
        {
            Items = [ConsoleUser.Case(Guid.NewGuid(), level: "executive")], Page = 2, PageSize = 25, Total = 80,
        }));
        await user.SignInAsync();

        var page = await user.GetPageAsync("/console/cases?facility=rg&status=acknowledged&severity=high&level=executive&assignee=adv-1&department=emergency&overdue=true&page=2");

        var call = Assert.Single(_app.Gateway.To("GET", "/api/v1/cases"));
        foreach (var expected in new[] { "facilityId=rg", "status=acknowledged", "severity=high", "level=executive", "assignee=adv-1", "departmentId=emergency", "overdue=true", "sort=nextDeadline", "page=2" })
            Assert.Contains(expected, call.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("Page 2 of 4", page, StringComparison.Ordinal);
        var next = System.Text.RegularExpressions.Regex.Match(page, "href=\"([^\"]+)\" rel=\"next\"").Groups[1].Value;
        var previous = System.Text.RegularExpressions.Regex.Match(page, "href=\"([^\"]+)\" rel=\"prev\"").Groups[1].Value;
        Assert.Contains("page=3", WebUtility.HtmlDecode(next), StringComparison.Ordinal);
        Assert.Contains("page=1", WebUtility.HtmlDecode(previous), StringComparison.Ordinal);
        Assert.All(new[] { next, previous }, link => Assert.Contains("status=acknowledged", WebUtility.HtmlDecode(link), StringComparison.Ordinal));
        Assert.Contains("class=\"badge level-executive\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deadline_is_shown_as_an_absolute_time_with_a_countdown_the_script_keeps_current()
    {
        var user = new ConsoleUser(_app);
        var deadline = DateTimeOffset.Parse("2030-01-02T03:04:00Z");
        var id = Guid.NewGuid();
        _app.Gateway.Answer("GET", "/api/v1/cases", HttpStatusCode.OK, ConsoleUser.Json(new PagedResponseOfCaseView
        {
            Items = [ConsoleUser.Case(id, deadline: deadline)], Page = 1, PageSize = 25, Total = 1,
        }));
        await user.SignInAsync();

        var page = await user.GetPageAsync("/console");

        Assert.Contains("data-deadline=\"2030-01-02T03:04:00Z\"", page, StringComparison.Ordinal);
        Assert.Contains("<time datetime=\"2030-01-02T03:04:00Z\">2 Jan 2030 03:04 UTC</time>", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/console/cases/{id}\"", page, StringComparison.Ordinal);
        Assert.Contains("console.js", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_of_the_api_is_shown_in_words_not_as_its_raw_answer()
    {
        var user = new ConsoleUser(_app);
        _app.Gateway.Answer("GET", "/api/v1/cases", HttpStatusCode.Forbidden, """{"title":"Forbidden","status":403,"detail":"secret detail"}""", "application/problem+json");
        await user.SignInAsync();

        var page = await user.GetPageAsync("/console");

        Assert.Contains("Your role or facilities do not allow this.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("secret detail", page, StringComparison.Ordinal);
    }
}
