using System.Net;
using System.Text.Json;

namespace PatientExperience.Web.Tests;

public sealed class SurveyPageTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Token = "q8yq1qzv3r2P5cQjQm7mFh1Kk0aYtq9B3xWc4n6Lr2E";
    private const string Path = $"/api/v1/surveys/respond/{Token}";

    private const string Survey = """
        {"surveyId":"nps","language":"en","questions":[
          {"id":"recommend","type":"nps","text":"How likely are you to recommend us?","options":[{"value":0,"text":"0"},{"value":9,"text":"9"},{"value":10,"text":"10"}]},
          {"id":"nurses","type":"four-point-frequency","text":"Did nurses listen?","options":[{"value":"never","text":"Never"},{"value":"always","text":"Always"}]},
          {"id":"comments","type":"free-text","text":"Anything else?","options":[]}]}
        """;

    private readonly WebApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Each_question_is_a_group_of_radio_buttons_and_the_answers_reach_the_api_typed()
    {
        _app.Gateway.Answer("GET", Path, HttpStatusCode.OK, Survey);
        _app.Gateway.Answer("POST", Path, HttpStatusCode.Created, $$"""{"responseId":"{{Guid.NewGuid()}}"}""");
        var browser = _app.Browser();
        var form = await browser.GetStringAsync($"/surveys/{Token}", Ct);

        var posted = await Html.PostFormAsync(browser, $"/surveys/{Token}", form,
            [new("Post.Answers[recommend]", "9"), new("Post.Answers[nurses]", "\"always\""), new("Post.Answers[comments]", "Kind staff."), new("Post.ContactRequested", "true")], Ct);

        Assert.Contains("<fieldset id=\"q-recommend\"", form);
        Assert.Contains("<legend>How likely are you to recommend us?</legend>", form);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/surveys/thanks", posted.Headers.Location!.OriginalString);
        using var body = JsonDocument.Parse(Assert.Single(_app.Gateway.To("POST", Path)).Body!);
        Assert.Equal(9, body.RootElement.GetProperty("answers").GetProperty("recommend").GetInt32());
        Assert.Equal("always", body.RootElement.GetProperty("answers").GetProperty("nurses").GetString());
        Assert.Equal("Kind staff.", body.RootElement.GetProperty("answers").GetProperty("comments").GetString());
        Assert.True(body.RootElement.GetProperty("contactRequested").GetBoolean());
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "We cannot find this survey")]
    [InlineData(HttpStatusCode.Conflict, "This survey has already been answered")]
    [InlineData(HttpStatusCode.Gone, "This survey has closed")]
    public async Task An_unknown_answered_or_expired_link_is_a_clear_page_with_the_same_status(HttpStatusCode status, string heading)
    {
        _app.Gateway.Answer("GET", Path, status, $$"""{"title":"x","status":{{(int)status}}}""", "application/problem+json");

        var response = await _app.Browser().GetAsync($"/surveys/{Token}", Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains($"<h1>{heading}</h1>", System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct)));
    }

    [Fact]
    public async Task A_question_the_api_refuses_is_marked_on_the_page()
    {
        _app.Gateway.Answer("GET", Path, HttpStatusCode.OK, Survey);
        _app.Gateway.Answer("POST", Path, HttpStatusCode.BadRequest,
            """{"status":400,"errors":{"answers.comments":["At most 2000 characters."]}}""", "application/problem+json");
        var browser = _app.Browser();
        var form = await browser.GetStringAsync($"/surveys/{Token}", Ct);

        var posted = await Html.PostFormAsync(browser, $"/surveys/{Token}", form, [new("Post.Answers[comments]", "too long")], Ct);
        var page = await posted.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains($"href=\"/surveys/{Token}#q-comments\"", page);
        Assert.Contains("aria-describedby=\"q-comments-error\"", Html.StartTag(page, "q-comments"));
    }
}

public sealed class StatusPageTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Token = "st4tusT0kenQm7mFh1Kk0aYtq9B3xWc4n6Lr2Eabcd";
    private const string Path = $"/api/v1/public/cases/{Token}";

    private readonly WebApp _app = new();

    public void Dispose() => _app.Dispose();

    private void CaseIsBeingLookedInto() => _app.Gateway.Answer("GET", Path, HttpStatusCode.OK, """
        {"caseNumber":"RG-2026-000123","stage":"being-looked-into","expectedResponseBy":"2026-12-08T17:00:00+00:00",
         "lastUpdatedAt":"2026-12-01T10:00:00+00:00",
         "messages":[{"from":"complainant","at":"2026-12-01T09:00:00+00:00","text":"Any news?"},
                     {"from":"staff","at":"2026-12-01T10:00:00+00:00","text":"We are speaking to the ward."}]}
        """);

    [Fact]
    public async Task The_stage_the_date_and_the_messages_are_shown_in_the_patients_language()
    {
        CaseIsBeingLookedInto();

        var page = System.Net.WebUtility.HtmlDecode(await _app.Browser().GetStringAsync($"/status/{Token}?lang=es", Ct));

        Assert.Contains("RG-2026-000123", page);
        Assert.Contains("En revisión", page);
        Assert.Contains("de diciembre de 2026", page);
        Assert.Contains("We are speaking to the ward.", page);
        Assert.Contains("Equipo de relaciones con los pacientes", page);
    }

    [Fact]
    public async Task A_message_is_sent_with_the_forms_idempotency_key_and_the_page_says_so()
    {
        CaseIsBeingLookedInto();
        _app.Gateway.Answer("POST", $"{Path}/messages", HttpStatusCode.Created, $$"""{"messageId":"{{Guid.NewGuid()}}","at":"2026-12-01T11:00:00+00:00"}""");
        var browser = _app.Browser();
        var page = await browser.GetStringAsync($"/status/{Token}", Ct);
        var key = Html.HiddenFields(page)["Message.IdempotencyKey"];

        var posted = await Html.PostFormAsync(browser, $"/status/{Token}", page, [new("Message.Text", "Thank you.")], Ct);

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal($"/status/{Token}?sent=true#write", posted.Headers.Location!.OriginalString);
        var sent = Assert.Single(_app.Gateway.To("POST", $"{Path}/messages"));
        Assert.Equal(key, sent.Headers["Idempotency-Key"]);
        Assert.Equal("Thank you.", JsonDocument.Parse(sent.Body!).RootElement.GetProperty("text").GetString());
        Assert.Contains("Your message was sent.", await browser.GetStringAsync(posted.Headers.Location.OriginalString.Split('#')[0], Ct));
    }

    [Fact]
    public async Task An_empty_message_is_an_error_tied_to_the_text_box_and_nothing_is_sent()
    {
        CaseIsBeingLookedInto();
        var browser = _app.Browser();
        var page = await browser.GetStringAsync($"/status/{Token}", Ct);

        var posted = await Html.PostFormAsync(browser, $"/status/{Token}", page, [new("Message.Text", "  ")], Ct);

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("aria-describedby=\"message-hint message-error\"", Html.StartTag(await posted.Content.ReadAsStringAsync(Ct), "message"));
        Assert.Empty(_app.Gateway.To("POST", $"{Path}/messages"));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "We cannot find this page")]
    [InlineData(HttpStatusCode.Gone, "This link no longer works")]
    public async Task An_unknown_or_revoked_link_is_a_clear_page(HttpStatusCode status, string heading)
    {
        _app.Gateway.Answer("GET", Path, status, $$"""{"title":"x","status":{{(int)status}}}""", "application/problem+json");

        var response = await _app.Browser().GetAsync($"/status/{Token}", Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains($"<h1>{heading}</h1>", System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct)));
    }
}
