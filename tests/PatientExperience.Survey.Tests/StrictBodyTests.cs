using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PatientExperience.Contracts.Survey;

namespace PatientExperience.Survey.Tests;

/// <summary>
/// A misspelt property in the patient's answer (<c>contactRequest</c> for <c>contactRequested</c>) would silently drop their
/// request to be contacted: it is a 400 naming it, and the single-use link still works.
/// </summary>
public sealed class StrictBodyTests : IAsyncLifetime
{
    private readonly SurveyApp _app = SurveyApp.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_misspelt_property_in_an_answer_is_a_400_naming_it_and_the_link_is_not_used_up()
    {
        var discharge = Samples.Discharge(_app.Clock.GetUtcNow());
        await _app.DischargeAsync(discharge);
        var token = SurveyApp.TokenOf(await _app.AdvanceUntilSentAsync(discharge.DischargeId, 0, TimeSpan.FromHours(48)));
        using var patient = _app.CreateClient();

        using var misspelt = await patient.PostAsync($"/api/v1/surveys/respond/{token}",
            new StringContent("""{"answers":{"overall-rating":2},"contactRequest":true}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        Assert.Equal("application/problem+json", misspelt.Content.Headers.ContentType?.MediaType);
        var errors = (await misspelt.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.Equal(["contactRequest"], errors.EnumerateObject().Select(p => p.Name));
        Assert.Empty(_app.Published<SurveyResponseReceived>());

        using var spelt = await patient.PostAsJsonAsync($"/api/v1/surveys/respond/{token}",
            new { answers = new Dictionary<string, object> { ["overall-rating"] = 2 }, contactRequested = true }, Ct);
        Assert.Equal(HttpStatusCode.Created, spelt.StatusCode);
    }
}
