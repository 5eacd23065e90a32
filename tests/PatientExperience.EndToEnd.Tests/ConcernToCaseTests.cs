using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PatientExperience.Testing;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>Flow 1 of the architecture, across processes and a real broker: a concern at the gateway becomes a case.</summary>
public sealed class ConcernToCaseTests(PlatformFixture platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan CaseDeadline = TimeSpan.FromSeconds(30);

    internal const string PatientName = "Philippa Vandersloot";
    internal const string Mrn = "MRN-E2E-5512093";
    internal const string Email = "p.vandersloot@example.org";
    internal const string StoryMarker = "tangerine-corridor-incident";

    internal static object Concern(string facility = "riverside-general") => new
    {
        facilityId = facility,
        departmentId = "emergency",
        unitId = "ed-adult",
        channel = "web",
        kind = "complaint",
        description = $"Nobody explained the delay after the {StoryMarker}.",
        patient = new { mrn = Mrn, name = PatientName, email = Email, preferredLanguage = "en" },
        submitter = new { relationship = "self" },
        responseRequested = true,
    };

    internal static async Task<Guid> SubmitAsync(HttpClient client, object body, string? idempotencyKey = null, Func<string>? diagnostics = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await client.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Expected 202, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}{Environment.NewLine}{diagnostics?.Invoke()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("submissionId").GetGuid();
    }

    internal static Task<Guid> CaseIdOfAsync(HttpClient staff, Guid submissionId, Func<string> diagnostics) =>
        Eventually.UntilAsync<object>(async () =>
        {
            var view = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/feedback/{submissionId}", Ct);
            return view.TryGetProperty("caseId", out var caseId) && caseId.ValueKind == JsonValueKind.String ? caseId.GetGuid() : null;
        }, CaseDeadline, $"submission {submissionId} to get a case.{Environment.NewLine}{diagnostics()}", Ct).ContinueWith(t => (Guid)t.Result, Ct, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    [Fact]
    public async Task A_concern_submitted_at_the_gateway_becomes_a_case_that_staff_read_through_the_gateway()
    {
        platform.Require();
        var staff = await platform.StaffClientAsync();

        var submissionId = await SubmitAsync(platform.AnonymousClient(), Concern(), diagnostics: platform.AllOutput);
        var caseId = await CaseIdOfAsync(staff, submissionId, platform.AllOutput);

        var response = await staff.GetAsync($"/api/v1/cases/{caseId}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        var theCase = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(submissionId, theCase.GetProperty("submissionId").GetGuid());
        Assert.Equal("riverside-general", theCase.GetProperty("facilityId").GetString());
        Assert.Equal("ed-adult", theCase.GetProperty("unitId").GetString());
        Assert.Equal("new", theCase.GetProperty("status").GetString());
        Assert.StartsWith("PX-", theCase.GetProperty("caseNumber").GetString());

        var list = await staff.GetFromJsonAsync<JsonElement>("/api/v1/cases?facilityId=riverside-general&status=new&pageSize=100", Ct);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("caseId").GetGuid() == caseId);

        var submission = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/feedback/{submissionId}", Ct);
        Assert.Equal("case-opened", submission.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Invalid_input_gets_problem_details_at_the_gateway_and_staff_routes_need_a_token()
    {
        platform.Require();
        var client = platform.AnonymousClient();

        var invalid = await client.PostAsJsonAsync("/api/v1/feedback", new { facilityId = "atlantis", channel = "fax", description = "" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("facilityId", out _));
        Assert.True(errors.TryGetProperty("channel", out _));
        Assert.True(errors.TryGetProperty("description", out _));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/cases", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/health/ready", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_same_idempotency_key_gives_the_same_submission_and_a_single_case()
    {
        platform.Require();
        var staff = await platform.StaffClientAsync();
        var key = Guid.NewGuid().ToString();
        var body = Concern("mesa-valley") is var b ? new
        {
            facilityId = "mesa-valley", departmentId = "cardiology", unitId = "cvicu", channel = "phone", description = "Retry me", responseRequested = false,
        } : null;

        var first = await SubmitAsync(platform.AnonymousClient(), body!, key, diagnostics: platform.AllOutput);
        var second = await SubmitAsync(platform.AnonymousClient(), body!, key, diagnostics: platform.AllOutput);
        Assert.Equal(first, second);

        var caseId = await CaseIdOfAsync(staff, first, platform.AllOutput);
        var cases = await staff.GetFromJsonAsync<JsonElement>("/api/v1/cases?facilityId=mesa-valley&pageSize=100", Ct);
        Assert.Single(cases.GetProperty("items").EnumerateArray(), c => c.GetProperty("submissionId").GetGuid() == first);
        Assert.Contains(cases.GetProperty("items").EnumerateArray(), c => c.GetProperty("caseId").GetGuid() == caseId);
    }

    [Fact]
    public async Task Staff_of_one_facility_cannot_read_another_facilitys_case()
    {
        platform.Require();
        var submissionId = await SubmitAsync(platform.AnonymousClient(), Concern(), diagnostics: platform.AllOutput);
        var caseId = await CaseIdOfAsync(await platform.StaffClientAsync(), submissionId, platform.AllOutput);

        var other = await platform.StaffClientAsync("advocate", "st-brendans");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/cases/{caseId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/feedback/{submissionId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/v1/cases?facilityId=riverside-general", Ct)).StatusCode);
    }
}
