using System.Net;
using System.Text.Json;

namespace PatientExperience.Web.Tests;

/// <summary>The feedback form against a fake gateway: what it sends to POST /api/v1/feedback and how it shows the answer.</summary>
public sealed class FeedbackPageTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Facilities = """
        [{"id":"riverside-general","name":"Riverside General","healthSystem":"demo","timeZone":"America/New_York",
          "departments":[{"id":"emergency","name":"Emergency","units":[{"id":"ed-adult","name":"Adult ED"}]}]},
         {"id":"mountain-view","name":"Mountain View","healthSystem":"demo","timeZone":"America/Denver",
          "departments":[{"id":"maternity","name":"Maternity","units":[{"id":"labour","name":"Labour ward"}]}]}]
        """;

    private readonly WebApp _app = new();

    public FeedbackPageTests() => _app.Gateway.Answer("GET", "/api/v1/facilities", HttpStatusCode.OK, Facilities);

    public void Dispose() => _app.Dispose();

    private static readonly KeyValuePair<string, string>[] Concern =
    [
        new("Form.FacilityId", "riverside-general"),
        new("Form.Department", "riverside-general/emergency"),
        new("Form.Unit", "riverside-general/emergency/ed-adult"),
        new("Form.Kind", "complaint"),
        new("Form.Channel", "web"),
        new("Form.Description", "Waited nine hours without an update."),
        new("Form.Email", "jane@example.org"),
        new("Form.PreferredLanguage", "es"),
        new("Form.ResponseRequested", "true"),
    ];

    [Fact]
    public async Task A_concern_goes_to_the_api_with_the_forms_idempotency_key_and_the_patient_sees_the_reference()
    {
        var id = Guid.NewGuid();
        _app.Gateway.Answer("POST", "/api/v1/feedback", HttpStatusCode.Accepted, $$"""{"submissionId":"{{id}}"}""");
        var browser = _app.Browser();
        var form = await browser.GetStringAsync("/feedback", Ct);
        var key = Html.HiddenFields(form)["Form.IdempotencyKey"];

        var posted = await Html.PostFormAsync(browser, "/feedback", form, Concern, Ct);

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal($"/feedback/received/{id}", posted.Headers.Location!.OriginalString);
        var sent = Assert.Single(_app.Gateway.To("POST", "/api/v1/feedback"));
        Assert.Equal(key, sent.Headers["Idempotency-Key"]);
        using var body = JsonDocument.Parse(sent.Body!);
        Assert.Equal("riverside-general", body.RootElement.GetProperty("facilityId").GetString());
        Assert.Equal("emergency", body.RootElement.GetProperty("departmentId").GetString());
        Assert.Equal("ed-adult", body.RootElement.GetProperty("unitId").GetString());
        Assert.Equal("web", body.RootElement.GetProperty("channel").GetString());
        Assert.Equal("complaint", body.RootElement.GetProperty("kind").GetString());
        Assert.True(body.RootElement.GetProperty("responseRequested").GetBoolean());
        Assert.Equal("jane@example.org", body.RootElement.GetProperty("patient").GetProperty("email").GetString());
        Assert.Equal("es", body.RootElement.GetProperty("patient").GetProperty("preferredLanguage").GetString());

        var received = await browser.GetStringAsync(posted.Headers.Location.OriginalString, Ct);
        Assert.Contains(id.ToString(), received);
    }

    [Fact]
    public async Task Posting_the_same_rendered_form_twice_sends_the_same_idempotency_key()
    {
        _app.Gateway.Answer("POST", "/api/v1/feedback", HttpStatusCode.Accepted, $$"""{"submissionId":"{{Guid.NewGuid()}}"}""");
        var browser = _app.Browser();
        var form = await browser.GetStringAsync("/feedback", Ct);

        await Html.PostFormAsync(browser, "/feedback", form, Concern, Ct);
        await Html.PostFormAsync(browser, "/feedback", form, Concern, Ct);

        var keys = _app.Gateway.To("POST", "/api/v1/feedback").Select(r => r.Headers["Idempotency-Key"]).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Single(keys.Distinct());
    }

    [Fact]
    public async Task The_apis_field_errors_are_summarised_and_tied_to_their_fields_and_the_answers_are_kept()
    {
        _app.Gateway.Answer("POST", "/api/v1/feedback", HttpStatusCode.BadRequest, """
            {"title":"One or more validation errors occurred.","status":400,
             "errors":{"patient.email":["Must be a valid email address."],"description":["A description of the concern is required."]}}
            """, "application/problem+json");
        var browser = _app.Browser();
        var form = await browser.GetStringAsync("/feedback", Ct);
        var key = Html.HiddenFields(form)["Form.IdempotencyKey"];

        var posted = await Html.PostFormAsync(browser, "/feedback", form,
            [new("Form.FacilityId", "riverside-general"), new("Form.Channel", "web"), new("Form.Email", "not-an-address"), new("Form.Description", "")], Ct);
        var page = await posted.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("<title>Error: ", page);
        Assert.Contains("role=\"alert\"", page);
        // The summary lists the errors in page order, each a link to its field.
        var description = page.IndexOf("href=\"/feedback#description\"", StringComparison.Ordinal);
        var email = page.IndexOf("href=\"/feedback#email\"", StringComparison.Ordinal);
        Assert.True(description > 0 && email > description, "The summary links to #description, then #email.");
        var emailInput = Html.StartTag(page, "email");
        Assert.Contains("aria-invalid=\"true\"", emailInput);
        Assert.Contains("aria-describedby=\"email-error\"", emailInput);
        Assert.Contains("value=\"not-an-address\"", emailInput);
        Assert.Contains("aria-describedby=\"description-hint description-error\"", Html.StartTag(page, "description"));
        Assert.Contains("id=\"email-error\"", page);
        // Nothing was created: the corrected form is a new submission with a new key.
        Assert.NotEqual(key, Html.HiddenFields(page)["Form.IdempotencyKey"]);
    }

    [Fact]
    public async Task A_department_of_another_hospital_is_refused_on_the_page_and_nothing_is_sent()
    {
        var browser = _app.Browser();
        var form = await browser.GetStringAsync("/feedback", Ct);

        var posted = await Html.PostFormAsync(browser, "/feedback", form,
            [new("Form.FacilityId", "riverside-general"), new("Form.Department", "mountain-view/maternity"), new("Form.Channel", "web"), new("Form.Description", "x")], Ct);

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("aria-invalid=\"true\"", Html.StartTag(await posted.Content.ReadAsStringAsync(Ct), "department"));
        Assert.Empty(_app.Gateway.To("POST", "/api/v1/feedback"));
    }

    [Fact]
    public async Task When_the_gateway_is_down_the_patient_is_told_nothing_was_sent()
    {
        _app.Gateway.Answer("POST", "/api/v1/feedback", HttpStatusCode.ServiceUnavailable,
            """{"title":"Service temporarily unavailable","status":503}""", "application/problem+json");
        var browser = _app.Browser();
        var form = await browser.GetStringAsync("/feedback", Ct);

        var posted = await Html.PostFormAsync(browser, "/feedback", form, Concern, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, posted.StatusCode);
        Assert.Contains("Nothing was sent", System.Net.WebUtility.HtmlDecode(await posted.Content.ReadAsStringAsync(Ct)));
    }

    [Fact]
    public async Task A_ward_link_with_the_hospital_chooses_it_and_lists_only_its_departments()
    {
        var page = await _app.Browser().GetStringAsync("/feedback?facility=mountain-view", Ct);

        Assert.Contains("<option value=\"mountain-view\" selected", page);
        Assert.Contains("value=\"mountain-view/maternity\"", page);
        Assert.DoesNotContain("value=\"riverside-general/emergency\"", page);
    }

    [Fact]
    public async Task The_patient_pages_load_no_script()
    {
        var page = await _app.Browser().GetStringAsync("/feedback", Ct);

        Assert.DoesNotContain("<script", page);
    }

    [Fact]
    public async Task The_form_is_refused_without_its_antiforgery_token()
    {
        var browser = _app.Browser();
        await browser.GetStringAsync("/feedback", Ct);

        var posted = await browser.PostAsync("/feedback", new FormUrlEncodedContent([new("_handler", "feedback"), .. Concern]), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Empty(_app.Gateway.To("POST", "/api/v1/feedback"));
    }
}

public sealed class RedirectTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly WebApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task After_a_form_is_sent_the_redirect_is_relative_so_the_browser_stays_on_the_gateways_address()
    {
        _app.Gateway.Answer("GET", "/api/v1/facilities", System.Net.HttpStatusCode.OK, "[]");
        _app.Gateway.Answer("POST", "/api/v1/feedback", System.Net.HttpStatusCode.Accepted, $$"""{"submissionId":"{{Guid.NewGuid()}}"}""");
        var browser = _app.Browser();
        var form = await browser.GetStringAsync("/feedback", Ct);

        var posted = await Html.PostFormAsync(browser, "/feedback", form, [new("Form.FacilityId", "x"), new("Form.Description", "y")], Ct);

        Assert.False(posted.Headers.Location!.IsAbsoluteUri, $"Location: {posted.Headers.Location}");
        Assert.StartsWith("/feedback/received/", posted.Headers.Location.OriginalString, StringComparison.Ordinal);
    }
}
