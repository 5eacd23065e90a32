using System.Net;
using PatientExperience.Client;
using PatientExperience.Web.Console;

namespace PatientExperience.Web.Tests;

/// <summary>
/// How the console reads the API's refusals. The cause of the letter defect: the elements a refused letter lacks were read only
/// from the answer's text, which the generated client keeps only when told to (<c>ReadResponseAsString</c>); without it the
/// page said "refused (422)" and marked nothing missing. The typed problem the client always deserialises is read first now.
/// </summary>
public sealed class ApiProblemTests
{
    private const string Refusal =
        """{"title":"Required elements are missing.","status":422,"detail":"The response letter lacks required elements: stepsTaken, completionDate.","missing":["stepsTaken","completionDate"]}""";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_elements_a_refused_letter_lacks_are_read_whether_or_not_the_client_keeps_the_answer_text(bool keepText)
    {
        var gateway = new FakeGateway();
        var id = Guid.NewGuid();
        gateway.Answer("POST", $"/api/v1/cases/{id}/letters", HttpStatusCode.UnprocessableEntity, Refusal, "application/problem+json");
        using var http = new HttpClient(gateway) { BaseAddress = new Uri("http://gateway.test/") };
        var client = new PlatformApiClient(http) { ReadResponseAsString = keepText };

        var refused = await Assert.ThrowsAnyAsync<PlatformApiException>(() =>
            client.RecordResponseLetterAsync(id, "\"3\"", new LetterRequest { Kind = "final" }, TestContext.Current.CancellationToken));
        var problem = ApiProblem.From(refused);

        Assert.Equal(422, problem.Status);
        Assert.Equal(["stepsTaken", "completionDate"], problem.Missing);
        Assert.Equal("Required elements are missing.", problem.Title);
    }

    [Fact]
    public async Task Field_errors_of_a_validation_problem_are_read_without_the_answer_text()
    {
        var gateway = new FakeGateway();
        gateway.Answer("PUT", "/api/v1/notifications/preferences", HttpStatusCode.BadRequest,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"timeZone":["Unknown time zone."]}}""", "application/problem+json");
        using var http = new HttpClient(gateway) { BaseAddress = new Uri("http://gateway.test/") };
        var client = new PlatformApiClient(http) { ReadResponseAsString = false };

        var refused = await Assert.ThrowsAnyAsync<PlatformApiException>(() =>
            client.SetMyNotificationPreferencesAsync(new PreferencesRequest { TimeZone = "Mars/Olympus" }, TestContext.Current.CancellationToken));
        var problem = ApiProblem.From(refused);

        Assert.Equal(["Unknown time zone."], problem.Errors["timeZone"]);
        Assert.Contains("timeZone: Unknown time zone.", problem.Describe(), StringComparison.Ordinal);
    }
}
