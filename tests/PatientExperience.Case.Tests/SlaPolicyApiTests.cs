using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Organisation;
using PatientExperience.Case.Sla;

namespace PatientExperience.Case.Tests;

/// <summary>PUT and GET /api/v1/facilities/{id}/sla-policy: versioned policies as data, validated, scoped to the caller's facilities.</summary>
public sealed class SlaPolicyApiTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string SecondsPolicy = """{"acknowledge": "PT5S", "interimNotice": "PT30S", "response": "PT60S"}""";

    /// <summary>A facility of its own for each test, so versions do not depend on the order tests run in.</summary>
    private async Task<string> FacilityAsync(string profile = RegulatoryProfiles.CmsHospital)
    {
        var id = "sla-api-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True(await app.Services.GetRequiredService<DirectoryStore>().TryAddAsync(
            new Facility { Id = id, Name = id, HealthSystem = "Test", TimeZone = "America/New_York", RegulatoryProfile = profile }, Ct));
        return id;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string facility, string json, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/facilities/{facility}/sla-policy") { Content = Json(json) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<SlaPolicyView> ReadAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return (await response.Content.ReadFromJsonAsync<SlaPolicyView>(Ct))!;
    }

    private Task<SlaPolicy> CurrentAsync(string facility) => app.Services.GetRequiredService<ISlaPolicies>().CurrentAsync(facility, Ct);

    [Fact]
    public async Task A_policy_in_seconds_becomes_version_1_in_calendar_time_for_every_severity()
    {
        var facility = await FacilityAsync();

        var response = await PutAsync(app.ClientFor("admin", facility), facility, SecondsPolicy);

        var view = await ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal((facility, 1, "facility", "test-admin"), (view.FacilityId, view.Version, view.Source, view.CreatedBy));
        Assert.NotNull(view.CreatedAt);
        var expected = new SlaDeadlinesView(new("PT5S", "calendar"), new("PT30S", "calendar"), new("PT1M", "calendar"));
        Assert.Equal(expected, view.Deadlines);
        Assert.Equal(Wire.All<Severity>().Order(StringComparer.Ordinal), view.Severities.Keys.Order(StringComparer.Ordinal));
        Assert.All(view.Severities.Values, d => Assert.Equal(expected, d));

        var policy = await CurrentAsync(facility);
        Assert.Equal(1, policy.Version);
        Assert.Equal(new SlaDeadlines(SlaDuration.Calendar(TimeSpan.FromSeconds(5)), SlaDuration.Calendar(TimeSpan.FromSeconds(30)), SlaDuration.Calendar(TimeSpan.FromSeconds(60))),
            policy.For(Severity.Critical));
    }

    [Fact]
    public async Task Patient_relations_may_set_a_policy_in_business_days_with_a_critical_override()
    {
        var facility = await FacilityAsync();
        const string body = """
            {
              "acknowledge": "P2D", "interimNotice": "P5D", "response": "P20D", "days": "business", "responseDays": "calendar",
              "severities": { "critical": { "acknowledge": "PT2S", "days": "calendar" }, "low": { "response": "P45D" } }
            }
            """;

        var view = await ReadAsync(await PutAsync(app.ClientFor("patient-relations", facility), facility, body));

        Assert.Equal(new SlaDeadlinesView(new("P2D", "business"), new("P5D", "business"), new("P20D", "calendar")), view.Deadlines);
        Assert.Equal(new SlaDeadlinesView(new("PT2S", "calendar"), new("P5D", "calendar"), new("P20D", "calendar")), view.Severities["critical"]);
        Assert.Equal(new SlaDeadlinesView(new("P2D", "business"), new("P5D", "business"), new("P45D", "calendar")), view.Severities["low"]);
        Assert.Equal(view.Deadlines, view.Severities["medium"]);
        Assert.Equal(view.Deadlines, view.Severities["high"]);

        var policy = await CurrentAsync(facility);
        Assert.Equal(SlaDuration.Calendar(TimeSpan.FromSeconds(2)), policy.For(Severity.Critical).Acknowledge);
        Assert.Equal(SlaDuration.BusinessDays(2), policy.For(Severity.High).Acknowledge);
    }

    [Fact]
    public async Task Every_change_is_a_new_version_and_older_versions_stay_readable()
    {
        var facility = await FacilityAsync();
        var client = app.ClientFor("admin", facility);

        var before = await client.GetAsync($"/api/v1/facilities/{facility}/sla-policy", Ct);
        Assert.Equal("\"0\"", before.Headers.ETag?.Tag);
        var profileView = await ReadAsync(before);
        Assert.Equal((0, "profile-default", "cms-hospital"), (profileView.Version, profileView.Source, profileView.RegulatoryProfile));

        await ReadAsync(await PutAsync(client, facility, SecondsPolicy));
        var second = await ReadAsync(await PutAsync(client, facility, """{"acknowledge": "PT10S", "interimNotice": "PT40S", "response": "PT90S"}"""));
        Assert.Equal(2, second.Version);

        var current = await client.GetAsync($"/api/v1/facilities/{facility}/sla-policy", Ct);
        Assert.Equal("\"2\"", current.Headers.ETag?.Tag);
        Assert.Equal("PT10S", (await ReadAsync(current)).Deadlines.Acknowledge.Duration);
        var first = await ReadAsync(await client.GetAsync($"/api/v1/facilities/{facility}/sla-policy?version=1", Ct));
        Assert.Equal((1, "PT5S"), (first.Version, first.Deadlines.Acknowledge.Duration));
        var profileDefault = await ReadAsync(await client.GetAsync($"/api/v1/facilities/{facility}/sla-policy?version=0", Ct));
        Assert.Equal(new SlaDurationView("P1D", "business"), profileDefault.Deadlines.Acknowledge);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/facilities/{facility}/sla-policy?version=3", Ct)).StatusCode);

        // A case opened under version 1 keeps it.
        var policies = app.Services.GetRequiredService<ISlaPolicies>();
        Assert.Equal(SlaDuration.Calendar(TimeSpan.FromSeconds(5)), (await policies.VersionAsync(facility, 1, Ct)).For(Severity.Medium).Acknowledge);
        Assert.Equal(2, (await policies.CurrentAsync(facility, Ct)).Version);
    }

    [Fact]
    public async Task If_Match_with_a_stale_version_is_refused_and_with_the_current_one_accepted()
    {
        var facility = await FacilityAsync();
        var client = app.ClientFor("admin", facility);
        await ReadAsync(await PutAsync(client, facility, SecondsPolicy, ifMatch: "\"0\""));

        var stale = await PutAsync(client, facility, SecondsPolicy, ifMatch: "\"0\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, (await CurrentAsync(facility)).Version);

        Assert.Equal(2, (await ReadAsync(await PutAsync(client, facility, """{"acknowledge": "PT6S", "interimNotice": "PT30S", "response": "PT60S"}""", ifMatch: "\"1\""))).Version);
    }

    [Fact]
    public async Task Sending_the_same_policy_again_creates_no_new_version()
    {
        var facility = await FacilityAsync();
        var client = app.ClientFor("admin", facility);
        const string body = """{"acknowledge": "PT5S", "interimNotice": "PT30S", "response": "PT60S", "severities": {"critical": {"acknowledge": "PT1S"}}}""";
        await ReadAsync(await PutAsync(client, facility, body));

        var again = await PutAsync(client, facility, body);

        Assert.Equal(1, (await ReadAsync(again)).Version);
        Assert.Equal("\"1\"", again.Headers.ETag?.Tag);
        Assert.Equal(2, (await ReadAsync(await PutAsync(client, facility, SecondsPolicy))).Version);
    }

    public static TheoryData<string, string> BadPolicies => new()
    {
        { """{"acknowledge": "PT0S", "interimNotice": "PT30S", "response": "PT60S"}""", "acknowledge" },
        { """{"acknowledge": "P0D", "interimNotice": "PT30S", "response": "PT60S"}""", "acknowledge" },
        { """{"acknowledge": "PT5S", "interimNotice": "-PT30S", "response": "PT60S"}""", "interimNotice" },
        { """{"acknowledge": "PT5S", "interimNotice": "PT30S", "response": "60 seconds"}""", "response" },
        { """{"acknowledge": "PT5S", "interimNotice": "PT30S", "response": "P99999D"}""", "response" },
        { """{"acknowledge": "PT5S", "interimNotice": "PT30S"}""", "response" },
        { """{"acknowledge": "PT5S", "interimNotice": "PT30S", "response": "PT60S", "days": "weekdays"}""", "days" },
        { """{"acknowledge": "PT5S", "interimNotice": "PT30S", "response": "PT60S", "acknowledgeDays": "working"}""", "acknowledgeDays" },
        { """{"acknowledge": "PT5S", "interimNotice": "PT30S", "response": "PT60S", "severities": {"urgent": {"acknowledge": "PT1S"}}}""", "severities.urgent" },
        { """{"acknowledge": "PT5S", "interimNotice": "PT30S", "response": "PT60S", "severities": {"critical": {"acknowledge": "PT0S"}}}""", "severities.critical.acknowledge" },
        { """{"acknowledge": "PT5S", "interimNotice": "PT30S", "response": "PT60S", "severities": {"high": {"response": "soon"}}}""", "severities.high.response" },
    };

    [Theory]
    [MemberData(nameof(BadPolicies))]
    public async Task A_bad_duration_is_a_400_problem_naming_the_field_and_changes_nothing(string body, string field)
    {
        var facility = await FacilityAsync();
        var client = app.ClientFor("admin", facility);
        await ReadAsync(await PutAsync(client, facility, SecondsPolicy));

        var response = await PutAsync(client, facility, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}");
        Assert.Equal(1, (await CurrentAsync(facility)).Version);
        Assert.Equal("PT5S", (await ReadAsync(await client.GetAsync($"/api/v1/facilities/{facility}/sla-policy", Ct))).Deadlines.Acknowledge.Duration);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400_problem()
    {
        var facility = await FacilityAsync();

        var response = await PutAsync(app.ClientFor("admin", facility), facility, "{ not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await CurrentAsync(facility)).Version);
    }

    [Fact]
    public async Task Another_facilitys_policy_can_be_neither_changed_nor_read()
    {
        var facility = await FacilityAsync();
        var elsewhere = app.ClientFor("admin", Samples.Mesa);

        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(elsewhere, facility, SecondsPolicy)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.GetAsync($"/api/v1/facilities/{facility}/sla-policy", Ct)).StatusCode);
        Assert.Equal(0, (await CurrentAsync(facility)).Version);
    }

    [Theory]
    [InlineData("advocate")]
    [InlineData("analyst")]
    [InlineData("executive")]
    public async Task Only_admins_and_patient_relations_change_policies_but_staff_of_the_facility_read_them(string role)
    {
        var facility = await FacilityAsync();
        var client = app.ClientFor(role, facility);

        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(client, facility, SecondsPolicy)).StatusCode);
        Assert.Equal(0, (await ReadAsync(await client.GetAsync($"/api/v1/facilities/{facility}/sla-policy", Ct))).Version);
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401()
    {
        var facility = await FacilityAsync();
        var anonymous = app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await PutAsync(anonymous, facility, SecondsPolicy)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/facilities/{facility}/sla-policy", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_facility_is_404()
    {
        var client = app.ClientFor("admin", "*");

        Assert.Equal(HttpStatusCode.NotFound, (await PutAsync(client, "no-such-facility", SecondsPolicy)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/facilities/no-such-facility/sla-policy", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_seconds_policy_drives_the_deadline_calculator()
    {
        var facility = await FacilityAsync();
        await ReadAsync(await PutAsync(app.ClientFor("admin", facility), facility, """{"acknowledge": "PT5S", "interimNotice": "PT30S", "response": "PT60S", "days": "business"}"""));
        var policy = await CurrentAsync(facility);
        var calculator = app.Services.GetRequiredService<IDeadlineCalculator>();
        var tuesdayNoon = new DateTimeOffset(2025, 3, 11, 12, 0, 0, TimeSpan.FromHours(-4));
        var saturdayNoon = new DateTimeOffset(2025, 3, 15, 12, 0, 0, TimeSpan.FromHours(-4));

        Assert.Equal(tuesdayNoon.AddSeconds(5), await calculator.DueAsync(facility, tuesdayNoon, policy.For(Severity.Medium).Acknowledge, Ct));
        Assert.Equal(new DateTimeOffset(2025, 3, 17, 0, 0, 30, TimeSpan.FromHours(-4)), await calculator.DueAsync(facility, saturdayNoon, policy.For(Severity.Medium).InterimNotice, Ct));
    }
}
