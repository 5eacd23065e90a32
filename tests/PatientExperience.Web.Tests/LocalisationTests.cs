namespace PatientExperience.Web.Tests;

public sealed class LocalisationTests : IClassFixture<WebApp>
{
    private readonly WebApp app;

    public LocalisationTests(WebApp app)
    {
        this.app = app;
        app.Gateway.Answer("GET", "/api/v1/facilities", System.Net.HttpStatusCode.OK, "[]");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_page_is_in_english_by_default_and_offers_spanish()
    {
        var html = await app.Browser().GetStringAsync("/feedback", Ct);

        Assert.Contains("<html lang=\"en\">", html);
        Assert.Contains("href=\"/feedback?lang=es\" lang=\"es\" hreflang=\"es\"", html);
    }

    [Fact]
    public async Task Lang_es_shows_the_page_in_spanish_and_the_choice_is_remembered()
    {
        var browser = app.Browser();

        var chosen = await browser.GetStringAsync("/feedback?lang=es", Ct);
        var next = await browser.GetStringAsync("/feedback", Ct);

        Assert.Contains("<html lang=\"es\">", chosen);
        Assert.Contains("Ir al contenido principal", chosen);
        Assert.Contains("<html lang=\"es\">", next);
    }

    [Fact]
    public async Task The_browsers_accept_language_chooses_spanish_when_nothing_else_does()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/feedback");
        request.Headers.AcceptLanguage.ParseAdd("es-MX,es;q=0.9");

        var html = await (await app.Browser().SendAsync(request, Ct)).Content.ReadAsStringAsync(Ct);

        Assert.Contains("<html lang=\"es\">", html);
    }
}
