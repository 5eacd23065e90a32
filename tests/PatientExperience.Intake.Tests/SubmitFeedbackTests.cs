using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit.Testing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Intake.Feedback;
using PatientExperience.Storage;

namespace PatientExperience.Intake.Tests;

public sealed class SubmitFeedbackTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<long> SubmissionCountAsync() =>
        await app.Services.GetRequiredKeyedService<IDocumentStore>(IntakeModule.ServiceName).Collection<Submission>(SubmissionStore.Definition).CountAsync(Ct);

    [Fact]
    public async Task A_valid_concern_is_accepted_stored_and_published_once_through_the_outbox()
    {
        var client = app.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct);
        Assert.NotNull(body);
        Assert.Equal($"/api/v1/feedback/{body.SubmissionId}", response.Headers.Location?.OriginalString);

        await app.PublishedAsync<FeedbackSubmitted>(m => m.SubmissionId == body.SubmissionId);
        var published = app.Harness.Published.Select<FeedbackSubmitted>(Ct).Single(m => m.Context.Message.SubmissionId == body.SubmissionId).Context.Message;
        Assert.Equal("riverside-general", published.FacilityId);
        Assert.Equal("emergency", published.DepartmentId);
        Assert.Equal("ed-adult", published.UnitId);
        Assert.Equal("web", published.Channel.ToWire());
        Assert.Equal("complaint", published.Kind.ToWire());
        Assert.True(published.ResponseRequested);
        Assert.True(published.PatientIdentified);

        var stored = await app.Services.GetRequiredService<SubmissionStore>().GetAsync(body.SubmissionId, Ct);
        Assert.NotNull(stored);
        Assert.Equal(Submission.Received, stored.Document.Status);
    }

    [Fact]
    public async Task The_event_carries_ids_not_the_patients_story_or_details()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(), Ct);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;
        await app.PublishedAsync<FeedbackSubmitted>(m => m.SubmissionId == id);

        var message = app.Harness.Published.Select<FeedbackSubmitted>(Ct).First(m => m.Context.Message.SubmissionId == id).Context.Message;
        var json = JsonSerializer.Serialize(message);
        foreach (var phi in new[] { Samples.PatientName, Samples.Mrn, Samples.Email, Samples.Phone, Samples.StoryMarker })
            Assert.DoesNotContain(phi, json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Patient_details_and_the_description_are_encrypted_at_rest()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(), Ct);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;

        var stored = await app.Services.GetRequiredService<SubmissionStore>().GetAsync(id, Ct);
        var asStored = JsonSerializer.Serialize(stored!.Document, StoreJson.Options);
        foreach (var phi in new[] { Samples.PatientName, Samples.Mrn, Samples.Email, Samples.Phone, Samples.StoryMarker })
            Assert.DoesNotContain(phi, asStored, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string, string, string> InvalidSubmissions => new()
    {
        { "unknown facility", """{"facilityId":"atlantis","channel":"web","description":"x"}""", "facilityId" },
        { "missing facility", """{"channel":"web","description":"x"}""", "facilityId" },
        { "empty description", """{"facilityId":"riverside-general","channel":"web","description":"   "}""", "description" },
        { "oversized description", "{\"facilityId\":\"riverside-general\",\"channel\":\"web\",\"description\":\"" + new string('a', 10_001) + "\"}", "description" },
        { "bad channel", """{"facilityId":"riverside-general","channel":"fax","description":"x"}""", "channel" },
        { "bad kind", """{"facilityId":"riverside-general","channel":"web","kind":"rant","description":"x"}""", "kind" },
        { "channel in another case", """{"facilityId":"riverside-general","channel":"Web","description":"x"}""", "channel" },
        { "channel as a number", """{"facilityId":"riverside-general","channel":"0","description":"x"}""", "channel" },
        { "kind in another case", """{"facilityId":"riverside-general","channel":"web","kind":"Complaint","description":"x"}""", "kind" },
        { "unknown department", """{"facilityId":"riverside-general","departmentId":"zoology","channel":"web","description":"x"}""", "departmentId" },
        { "unit of another facility", """{"facilityId":"riverside-general","unitId":"cvicu","channel":"web","description":"x"}""", "unitId" },
        { "unit outside department", """{"facilityId":"riverside-general","departmentId":"medicine","unitId":"ed-adult","channel":"web","description":"x"}""", "unitId" },
        { "bad email", """{"facilityId":"riverside-general","channel":"web","description":"x","patient":{"email":"not-an-email"}}""", "patient.email" },
        { "bad relationship", """{"facilityId":"riverside-general","channel":"web","description":"x","submitter":{"relationship":"landlord"}}""", "submitter.relationship" },
        { "response without contact", """{"facilityId":"riverside-general","channel":"web","description":"x","responseRequested":true}""", "responseRequested" },
        { "right-to-left override in the description", """{"facilityId":"riverside-general","channel":"web","description":"Charged \u202Edis 00.05$\u202C twice"}""", "description" },
        { "isolate in the description", """{"facilityId":"riverside-general","channel":"web","description":"x \u2067y\u2069"}""", "description" },
        { "escape character in the description", """{"facilityId":"riverside-general","channel":"web","description":"x \u001b[31m red"}""", "description" },
        { "line break in a name", """{"facilityId":"riverside-general","channel":"web","description":"x","submitter":{"name":"Ann\nBcc: all@example.org"}}""", "submitter.name" },
        { "null character in a patient name", """{"facilityId":"riverside-general","channel":"web","description":"x","patient":{"name":"Ann\u0000"}}""", "patient.name" },
    };

    [Theory]
    [MemberData(nameof(InvalidSubmissions))]
    public async Task Invalid_input_gets_a_400_problem_naming_the_field_and_nothing_is_stored_or_published(string _, string json, string field)
    {
        var before = await SubmissionCountAsync();
        var publishedBefore = app.Harness.Published.Select<FeedbackSubmitted>(Ct).Count();

        var response = await app.CreateClient().PostAsync("/api/v1/feedback", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct);
        Assert.Contains(field, problem!.Errors.Keys);
        Assert.Equal(before, await SubmissionCountAsync());
        Assert.Equal(publishedBefore, app.Harness.Published.Select<FeedbackSubmitted>(Ct).Count());
    }

    [Fact]
    public async Task Malformed_json_gets_a_400_problem_that_does_not_echo_the_input()
    {
        var before = await SubmissionCountAsync();
        var response = await app.CreateClient().PostAsync("/api/v1/feedback",
            new StringContent("""{"facilityId": "riverside-general", "description": "Zebulon Quartermaine """, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(Samples.PatientName, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(before, await SubmissionCountAsync());
    }

    [Fact]
    public async Task The_same_idempotency_key_and_body_give_the_same_submission_and_one_event()
    {
        var client = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        var request = Samples.Complaint();

        var ids = new List<Guid>();
        foreach (var _ in Enumerable.Range(0, 3))
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(request) };
            message.Headers.Add("Idempotency-Key", key);
            var response = await client.SendAsync(message, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId);
        }

        Assert.Single(ids.Distinct());
        await app.PublishedAsync<FeedbackSubmitted>(m => m.SubmissionId == ids[0]);
        Assert.Single(app.Harness.Published.Select<FeedbackSubmitted>(Ct), m => m.Context.Message.SubmissionId == ids[0]);
    }

    [Fact]
    public async Task Concurrent_retries_with_one_idempotency_key_create_one_submission()
    {
        var key = Guid.NewGuid().ToString();
        var request = Samples.Complaint();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(request) };
            message.Headers.Add("Idempotency-Key", key);
            var response = await app.CreateClient().SendAsync(message, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;
        }));

        Assert.Single(responses.Distinct());
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_for_a_different_request_is_refused_and_changes_nothing()
    {
        var client = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        using (var first = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(Samples.Complaint()) })
        {
            first.Headers.Add("Idempotency-Key", key);
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(first, Ct)).StatusCode);
        }

        var before = await SubmissionCountAsync();
        using var second = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(Samples.Complaint("A different story")) };
        second.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(second, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await SubmissionCountAsync());
    }

    [Fact]
    public async Task An_unusable_idempotency_key_is_a_400_problem()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(Samples.Complaint()) };
        message.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 200));
        var response = await app.CreateClient().SendAsync(message, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

public sealed class ComplimentTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    [Fact]
    public async Task A_compliment_is_stored_and_published_as_ComplimentReceived_not_as_a_concern_for_a_case()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback",
            Samples.Complaint("The night nurse on 4 West was wonderful to my father") with { Kind = "compliment", ResponseRequested = false },
            TestContext.Current.CancellationToken);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(TestContext.Current.CancellationToken))!.SubmissionId;

        var compliment = await app.PublishedAsync<ComplimentReceived>(m => m.SubmissionId == id);
        Assert.Equal("riverside-general", compliment.FacilityId);
        Assert.DoesNotContain(app.Harness.Published.Select<FeedbackSubmitted>(new CancellationToken(canceled: true)), m => m.Context.Message.SubmissionId == id);
    }

    [Fact]
    public async Task Safety_indicators_and_categories_found_in_the_text_travel_with_the_event_as_words()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback",
            Samples.Complaint("He was left in soiled sheets and nobody explained the wrong medication"), TestContext.Current.CancellationToken);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(TestContext.Current.CancellationToken))!.SubmissionId;

        var submitted = await app.PublishedAsync<FeedbackSubmitted>(m => m.SubmissionId == id);
        Assert.Contains("neglect", submitted.Indicators);
        Assert.Contains("harm", submitted.Indicators);
        Assert.Contains("medication", submitted.CategoryHints);
    }

    public static readonly TheoryData<string?, string[], SubmissionOrigin> Origins = new()
    {
        { null, [], SubmissionOrigin.Anonymous },
        { "patient-relations", ["riverside-general"], SubmissionOrigin.Staff },
        { "unit-manager", ["*"], SubmissionOrigin.Staff },
        { "integration", ["riverside-general"], SubmissionOrigin.Integration },
        // A token for other facilities is not this facility's staff: the public form's rules apply.
        { "patient-relations", ["mesa-valley"], SubmissionOrigin.Anonymous },
    };

    [Theory, MemberData(nameof(Origins))]
    public async Task The_event_says_whether_the_concern_came_through_an_authenticated_channel(string? role, string[] facilities, SubmissionOrigin expected)
    {
        var client = role is null ? app.CreateClient() : app.ClientFor(role, facilities);

        var response = await client.PostAsJsonAsync("/api/v1/feedback", Samples.Complaint("Someone threatened to harm my mother on the ward."), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(TestContext.Current.CancellationToken))!.SubmissionId;
        var submitted = await app.PublishedAsync<FeedbackSubmitted>(m => m.SubmissionId == id);
        Assert.Equal(expected, submitted.SubmittedBy);
    }

    [Fact]
    public void A_message_from_a_producer_that_predates_the_origin_reads_as_anonymous()
    {
        var json = """{"submissionId":"0197a0c4-0000-7000-8000-000000000001","facilityId":"riverside-general","channel":"web","responseRequested":false,"patientIdentified":false,"submittedAt":"2026-01-01T00:00:00Z"}""";

        var message = JsonSerializer.Deserialize<FeedbackSubmitted>(json, JsonSerializerOptions.Web)!;

        Assert.Equal(SubmissionOrigin.Anonymous, message.SubmittedBy);
    }
}
