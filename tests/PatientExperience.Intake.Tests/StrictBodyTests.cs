using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit.Testing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Intake;
using PatientExperience.Intake.Feedback;
using PatientExperience.Storage;

namespace PatientExperience.Intake.Tests;

/// <summary>
/// A misspelt property must not be dropped silently: <c>requestsResponse</c> for <c>responseRequested</c> would lose the
/// patient's request for a reply. Bodies are strict over HTTP; stored documents and messages are not.
/// </summary>
public sealed class StrictBodyTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Misspelt = """
        {"facilityId":"riverside-general","channel":"web","description":"Nobody called me back.",
         "patient":{"name":"Zebulon Quartermaine","email":"zq@example.org"},"requestsResponse":true}
        """;

    private async Task<long> SubmissionCountAsync() =>
        await app.Services.GetRequiredKeyedService<IDocumentStore>(IntakeModule.ServiceName).Collection<Submission>(SubmissionStore.Definition).CountAsync(Ct);

    [Fact]
    public async Task A_misspelt_property_is_a_400_naming_it_and_nothing_is_stored_or_published()
    {
        var before = await SubmissionCountAsync();
        var publishedBefore = app.Harness.Published.Select<FeedbackSubmitted>(Ct).Count();

        var response = await app.CreateClient().PostAsync("/api/v1/feedback", new StringContent(Misspelt, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var problem = JsonSerializer.Deserialize<ValidationProblemDetails>(body, JsonSerializerOptions.Web)!;
        Assert.Equal(["requestsResponse"], problem.Errors.Keys);
        Assert.DoesNotContain("Zebulon", body, StringComparison.Ordinal);
        Assert.Equal(before, await SubmissionCountAsync());
        Assert.Equal(publishedBefore, app.Harness.Published.Select<FeedbackSubmitted>(Ct).Count());
    }

    [Fact]
    public async Task An_unknown_property_inside_a_nested_object_is_named_by_its_path()
    {
        var json = """{"facilityId":"riverside-general","channel":"web","description":"x","patient":{"name":"A","nickname":"B"}}""";

        var response = await app.CreateClient().PostAsync("/api/v1/feedback", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct);
        Assert.Equal(["patient.nickname"], problem!.Errors.Keys);
    }

    [Fact]
    public async Task The_correctly_spelt_request_is_accepted_and_keeps_the_request_for_a_reply()
    {
        var response = await app.CreateClient().PostAsync("/api/v1/feedback",
            new StringContent(Misspelt.Replace("requestsResponse", "responseRequested", StringComparison.Ordinal), Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;
        var published = await app.PublishedAsync<FeedbackSubmitted>(m => m.SubmissionId == id);
        Assert.True(published.ResponseRequested);
    }

    [Fact]
    public async Task Stored_documents_and_messages_with_fields_this_version_does_not_know_still_load()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(), Ct);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;
        var stored = await app.Services.GetRequiredService<SubmissionStore>().GetAsync(id, Ct);
        var document = JsonSerializer.SerializeToNode(stored!.Document, StoreJson.Options)!.AsObject();
        document["addedByALaterVersion"] = 1;
        var message = JsonSerializer.SerializeToNode(await app.PublishedAsync<FeedbackSubmitted>(m => m.SubmissionId == id),
            MassTransit.Serialization.SystemTextJsonMessageSerializer.Options)!.AsObject();
        message["addedByALaterVersion"] = 1;

        Assert.Equal(id, document.Deserialize<Submission>(StoreJson.Options)!.Id);
        Assert.Equal(id, message.Deserialize<FeedbackSubmitted>(MassTransit.Serialization.SystemTextJsonMessageSerializer.Options)!.SubmissionId);
    }
}
