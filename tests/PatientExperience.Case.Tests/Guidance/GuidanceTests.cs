using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using PatientExperience.Case.Guidance;

namespace PatientExperience.Case.Tests.Guidance;

/// <summary>
/// The guidance library: the demo entries reach the cases they apply to in the patient's language, admins add versions (an
/// identical one adds none), bad entries name the field, and only admins write.
/// </summary>
public sealed class GuidanceTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Staff => app.ClientFor("advocate", Samples.Riverside);

    private async Task<IReadOnlyList<CaseGuidanceView>> GuidanceForAsync(Contracts.Intake.FeedbackSubmitted submitted)
    {
        var c = await app.OpenCaseAsync(submitted);
        var response = await Staff.GetAsync($"/api/v1/cases/{c.Document.Id}/guidance", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<List<CaseGuidanceView>>(Ct))!;
    }

    private static Contracts.Intake.FeedbackSubmitted Billing(string? language) =>
        Samples.Feedback(channel: "phone") with { ResponseRequested = false, CategoryHints = ["billing"], PreferredLanguage = language };

    [Fact]
    public async Task A_spanish_speaking_patients_billing_complaint_gets_the_financial_counselling_guidance_and_leaflet_in_spanish()
    {
        var guidance = await GuidanceForAsync(Billing("es-MX"));

        Assert.Equal(["billing-financial-counselling", "billing-patient-leaflet"], guidance.Select(g => g.Key));
        Assert.Equal(["guidance", "patient-resource"], guidance.Select(g => g.Kind));
        Assert.All(guidance, g => Assert.Equal("es", g.Language));
        Assert.Contains("Asesoría Financiera", guidance[0].Body);
        Assert.Equal("Preguntas sobre su factura", guidance[1].Title);
        Assert.Contains("Financial Counselling", (await GuidanceForAsync(Billing(null)))[0].Body);
    }

    [Fact]
    public async Task A_grievance_gets_the_cms_letter_checklist_and_a_safety_concern_the_incident_reporting_route()
    {
        var grievance = await GuidanceForAsync(Samples.Feedback(channel: "letter"));
        Assert.Contains(grievance, g => g.Key == "grievance-cms-letter-checklist" && g.Body.Contains("date of completion"));
        Assert.DoesNotContain(grievance, g => g.Key == "safety-incident-reporting");

        var safety = await GuidanceForAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false, Indicators = ["neglect"] });
        Assert.Contains(safety, g => g.Key == "safety-incident-reporting");
        Assert.DoesNotContain(safety, g => g.Key.StartsWith("billing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admins_add_versions_that_cases_see_at_once_an_identical_one_adds_none_and_others_may_not_write()
    {
        var admin = app.ClientFor("admin", Samples.Riverside);
        var body = new
        {
            key = "food-dietitian-referral", kind = "guidance", categories = new[] { "food" },
            title = new { en = "Food concern: ask the dietitian", es = "Queja sobre comida: consulte al dietista" },
            body = new { en = "Page the ward dietitian (bleep 311).", es = "Llame al dietista de la planta (busca 311)." },
        };
        var created = await admin.PostAsJsonAsync("/api/v1/guidance", body, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1, (await created.Content.ReadFromJsonAsync<GuidanceEntryView>(Ct))!.Version);

        var again = await admin.PostAsJsonAsync("/api/v1/guidance", body, Ct);
        Assert.Equal(1, (await again.Content.ReadFromJsonAsync<GuidanceEntryView>(Ct))!.Version);
        var changed = await admin.PostAsJsonAsync("/api/v1/guidance", body with { body = new { en = "Page the ward dietitian (bleep 312).", es = "Llame al dietista de la planta (busca 312)." } }, Ct);
        Assert.Equal(2, (await changed.Content.ReadFromJsonAsync<GuidanceEntryView>(Ct))!.Version);

        var food = await GuidanceForAsync(Samples.Feedback(channel: "phone") with { ResponseRequested = false, CategoryHints = ["food"], PreferredLanguage = "es" });
        var entry = Assert.Single(food, g => g.Key == "food-dietitian-referral");
        Assert.Equal((2, "Llame al dietista de la planta (busca 312)."), (entry.Version, entry.Body));
        Assert.Contains((await Staff.GetFromJsonAsync<List<GuidanceEntryView>>("/api/v1/guidance", Ct))!, e => e.Key == "food-dietitian-referral" && e.Version == 2);

        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientFor("patient-relations", Samples.Riverside).PostAsJsonAsync("/api/v1/guidance", body, Ct)).StatusCode);
        var bad = await admin.PostAsJsonAsync("/api/v1/guidance", new { key = "Bad Key", kind = "leaflet", categories = new[] { "parking" }, title = new { en = "" }, body = new { en = "x" } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["categories", "key", "kind", "title.en"], (await bad.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct))!.Errors.Keys.Order());
    }

    [Fact]
    public async Task Another_facilitys_case_is_not_found()
    {
        var c = await app.OpenCaseAsync(Billing("es"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor("advocate", Samples.Mesa).GetAsync($"/api/v1/cases/{c.Document.Id}/guidance", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/api/v1/cases/{c.Document.Id}/guidance", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("es", "es")]
    [InlineData("es-419", "es")]
    [InlineData("en-GB", "en")]
    [InlineData("zh-Hant", "en")]
    [InlineData(null, "en")]
    public void The_library_language_is_spanish_for_any_spanish_tag_and_english_otherwise(string? tag, string expected) =>
        Assert.Equal(expected, GuidanceApi.LanguageOf(tag));
}
