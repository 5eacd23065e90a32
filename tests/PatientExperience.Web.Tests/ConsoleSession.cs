using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using PatientExperience.Client;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Web.Tests;

/// <summary>
/// A member of staff in front of the console (in memory, the gateway faked): signs in with a development token the fake gateway
/// issues, reads pages and posts their forms with the antiforgery token the page rendered.
/// </summary>
public sealed partial class ConsoleUser
{
    private readonly WebApp _app;

    public ConsoleUser(WebApp app)
    {
        _app = app;
        Browser = app.Browser();
    }

    public HttpClient Browser { get; }

    public string? AccessToken { get; private set; }

    /// <summary>A token as the gateway's <c>/dev/token</c> issues it (signed, with role and facility claims).</summary>
    public static string Token(string role = "patient-relations", string facility = "*", string sub = "dev-patient-relations") =>
        SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = WebApp.SigningKey }, sub, role, [facility], DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    public async Task<HttpResponseMessage> SignInAsync(string role = "patient-relations", string facility = "*", string returnUrl = "/console")
    {
        AccessToken = Token(role, facility);
        _app.Gateway.Answer("GET", "/dev/token", HttpStatusCode.OK, JsonSerializer.Serialize(new { accessToken = AccessToken, tokenType = "Bearer", expiresIn = 3600 }));
        var page = await GetPageAsync($"/console/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");
        return await PostFormAsync($"/console/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}", page, "dev-sign-in",
            new() { ["Form.Role"] = role, ["Form.Facility"] = facility, ["Form.ReturnUrl"] = returnUrl });
    }

    public async Task<string> GetPageAsync(string path)
    {
        using var response = await Browser.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Posts a form of the page as the browser would: its handler name and the antiforgery token it rendered.</summary>
    public Task<HttpResponseMessage> PostFormAsync(string path, string page, string handler, Dictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>(fields)
        {
            ["_handler"] = handler,
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
        };
        return Browser.PostAsync(path, new FormUrlEncodedContent(form), TestContext.Current.CancellationToken);
    }

    public static string AntiforgeryToken(string page) =>
        AntiforgeryInput().Match(page) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new Xunit.Sdk.XunitException("The page rendered no antiforgery token.");

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();

    /// <summary>A case as the API answers it.</summary>
    public static CaseView Case(Guid id, string number = "C-2026-000123", string status = "new", string level = "unit", long version = 3, DateTimeOffset? deadline = null) => new()
    {
        CaseId = id, CaseNumber = number, SubmissionId = Guid.NewGuid(), Source = "feedback", FacilityId = "rg", DepartmentId = "emergency",
        Channel = "web", Kind = "complaint", Classification = "grievance", Severity = "high", Category = "communication", RegulatoryProfile = "cms",
        Status = status, OpenedAt = DateTimeOffset.Parse("2026-12-01T09:00:00Z"), EscalationLevel = level,
        NextDeadline = deadline ?? DateTimeOffset.UtcNow.AddHours(2),
        Sla = new SlaView { State = "on-track", NextDeadlineKind = "acknowledge", NextDeadline = deadline ?? DateTimeOffset.UtcNow.AddHours(2), PolicyVersion = 1 },
        Version = version,
        History = [new TimelineEntryView { At = DateTimeOffset.Parse("2026-12-01T09:00:00Z"), Actor = "system", Action = "classified", Detail = "grievance, high, communication. Written complaint about care." }],
        Notes = [], Tasks = [], Letters = [],
    };

    public static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
