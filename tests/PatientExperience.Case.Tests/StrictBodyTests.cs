using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PatientExperience.Case.Tests;

/// <summary>A misspelt property in a staff action (an <c>urgent</c> flag the action does not have) is a 400 naming it, and the case is unchanged.</summary>
public sealed class StrictBodyTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_misspelt_property_in_a_staff_action_is_a_400_naming_it_and_the_case_is_unchanged()
    {
        var opened = await app.OpenCaseAsync(Samples.Feedback());
        var staff = app.ClientFor("patient-relations", Samples.Riverside);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{opened.Document.Id}/escalate")
        {
            Content = new StringContent("""{"reason":"No answer from the unit.","urgent":true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{opened.Version}\"");

        using var response = await staff.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.Equal(["urgent"], errors.EnumerateObject().Select(p => p.Name));
        using var read = await staff.GetAsync($"/api/v1/cases/{opened.Document.Id}", Ct);
        Assert.Equal($"\"{opened.Version}\"", read.Headers.ETag?.Tag);
    }
}
