using System.Net;
using PatientExperience.Client;

namespace PatientExperience.Web.Tests;

/// <summary>The console's session: pages need sign-in; the development token is kept server-side and sent as Bearer.</summary>
public sealed class ConsoleSignInTests : IDisposable
{
    private readonly WebApp _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>A redirect's path and query (the host is the one the gateway forwarded; in memory, localhost).</summary>
    internal static string PathOf(Uri location) => location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;

    [Theory]
    [InlineData("/console")]
    [InlineData("/console/cases?status=new")]
    public async Task A_console_page_sends_a_visitor_who_is_not_signed_in_to_the_sign_in_page(string path)
    {
        using var response = await _app.Browser().GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/console/sign-in?returnUrl=", location, StringComparison.Ordinal);
        Assert.Empty(_app.Gateway.To("GET", "/api/v1/cases"));
    }

    [Fact]
    public async Task Staff_sign_in_with_a_development_token_and_the_worklist_calls_the_api_with_it_as_bearer_without_showing_it()
    {
        var user = new ConsoleUser(_app);
        _app.Gateway.Answer("GET", "/api/v1/cases", HttpStatusCode.OK, ConsoleUser.Json(new PagedResponseOfCaseView
        {
            Items = [ConsoleUser.Case(Guid.NewGuid(), "C-2026-000777")], Page = 1, PageSize = 25, Total = 1,
        }));

        using var signedIn = await user.SignInAsync(role: "advocate", facility: "rg", returnUrl: "/console/cases");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/console/cases", PathOf(signedIn.Headers.Location!));
        var tokenRequest = Assert.Single(_app.Gateway.To("GET", "/dev/token"));
        Assert.Contains("role=advocate", tokenRequest.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("facility=rg", tokenRequest.PathAndQuery, StringComparison.Ordinal);

        var worklist = await user.GetPageAsync("/console/cases");

        Assert.Contains("C-2026-000777", worklist, StringComparison.Ordinal);
        Assert.Contains("advocate", worklist, StringComparison.Ordinal);
        Assert.DoesNotContain(user.AccessToken!, worklist, StringComparison.Ordinal);
        var call = Assert.Single(_app.Gateway.To("GET", "/api/v1/cases"));
        Assert.Equal($"Bearer {user.AccessToken}", call.Headers["Authorization"]);
    }

    [Fact]
    public async Task A_refused_development_token_is_explained_and_no_session_starts()
    {
        var user = new ConsoleUser(_app);
        var page = await user.GetPageAsync("/console/sign-in");
        _app.Gateway.Answer("GET", "/dev/token", HttpStatusCode.NotFound);

        using var response = await user.PostFormAsync("/console/sign-in", page, "dev-sign-in", new() { ["Form.Role"] = "advocate", ["Form.Facility"] = "*" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("does not issue development tokens", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        using var worklist = await user.Browser.GetAsync("/console", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, worklist.StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var user = new ConsoleUser(_app);
        _app.Gateway.Answer("GET", "/api/v1/cases", HttpStatusCode.OK, ConsoleUser.Json(new PagedResponseOfCaseView { Page = 1, PageSize = 25 }));
        await user.SignInAsync();
        var worklist = await user.GetPageAsync("/console");

        using var signedOut = await user.PostFormAsync("/console/sign-out", worklist, "", []);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        using var again = await user.Browser.GetAsync("/console", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task A_patient_page_never_carries_the_staff_token()
    {
        var user = new ConsoleUser(_app);
        _app.Gateway.Answer("GET", "/api/v1/cases", HttpStatusCode.OK, ConsoleUser.Json(new PagedResponseOfCaseView { Page = 1, PageSize = 25 }));
        _app.Gateway.Answer("GET", "/api/v1/facilities", HttpStatusCode.OK, "[]"); // the form's pickers come from the directory
        await user.SignInAsync();

        await user.GetPageAsync("/feedback");

        Assert.All(_app.Gateway.Requests.Where(r => !r.PathAndQuery.StartsWith("/dev/token", StringComparison.Ordinal)),
            r => Assert.True(r.PathAndQuery.StartsWith("/api/v1/cases", StringComparison.Ordinal) || !r.Headers.ContainsKey("Authorization"), r.PathAndQuery));
    }
}
