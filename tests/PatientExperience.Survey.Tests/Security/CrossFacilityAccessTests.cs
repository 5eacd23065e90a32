using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Survey.V1;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Survey.Outreach;
using PatientExperience.Testing.Security;

namespace PatientExperience.Survey.Tests.Security;

/// <summary>
/// OWASP API1 on every operation of the survey service, read from its route table (HTTP and gRPC): a facility's policy,
/// invitations, consents, results and outreach events are out of reach of another facility's staff in every role.
/// </summary>
public sealed class CrossFacilityAccessTests(CrossFacilityAccessTests.App fixture) : IClassFixture<CrossFacilityAccessTests.App>
{
    private const string A = SurveyApp.FacilityA;
    private const string B = SurveyApp.FacilityB;

    /// <summary>One survey service for the class, with its store writes recorded per request.</summary>
    public sealed class App : IAsyncDisposable
    {
        public StoreWrites Writes { get; } = new();

        public SurveyApp Survey { get; }

        public App() => Survey = SurveyApp.Create(Writes.RecordStoreWrites);

        public ValueTask DisposeAsync() => Survey.DisposeAsync();
    }

    private readonly StoreWrites _writes = fixture.Writes;
    private readonly SurveyApp _app = fixture.Survey;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Seeds(Guid DischargeId, Guid EventId, Guid ConsentResponseId);

    private const string PublicToken = "public: the patient's single-use link token is the credential, not a staff token";

    private static Dictionary<string, FacilityAccess> Table(Seeds s)
    {
        var window = $"from={SurveyApp.Start.AddDays(-30):yyyy-MM-dd}&to={SurveyApp.Start.AddDays(30):yyyy-MM-dd}";
        var e = $"/api/v1/outreach/events/{s.EventId}";
        const string definitions = "survey definitions are the health system's, shared by every facility; editors change them (function-level, not object-level)";
        return new()
        {
            ["GET /api/v1/survey-definitions"] = new NotFacilityScoped(definitions),
            ["POST /api/v1/survey-definitions"] = new NotFacilityScoped(definitions),
            ["GET /api/v1/survey-definitions/{surveyId}"] = new NotFacilityScoped(definitions),
            ["PUT /api/v1/survey-definitions/{surveyId}/versions/{version}"] = new NotFacilityScoped(definitions),
            ["POST /api/v1/survey-definitions/{surveyId}/versions/{version}/publish"] = new NotFacilityScoped(definitions),
            ["POST /api/v1/survey-definitions/{surveyId}/versions/{version}/retire"] = new NotFacilityScoped(definitions),
            ["GET /api/v1/facilities/{facilityId}/survey-policy"] = new FacilityObject(new Probe("GET", $"/api/v1/facilities/{A}/survey-policy")),
            ["PUT /api/v1/facilities/{facilityId}/survey-policy"] = new FacilityObject(new Probe("PUT", $"/api/v1/facilities/{A}/survey-policy", new { },
                ETagFrom: $"/api/v1/facilities/{A}/survey-policy")),
            ["GET /api/v1/surveys/results"] = new FacilityObject(new Probe("GET", $"/api/v1/surveys/results?facilityId={A}&{window}"), HttpStatusCode.Forbidden),
            ["GET /api/v1/surveys/outreach-consents"] = new FacilityListing(new Probe("GET", $"/api/v1/surveys/outreach-consents?facilityId={A}"), s.ConsentResponseId.ToString()),
            ["GET /api/v1/surveys/invitations"] = new FacilityListing(new Probe("GET", $"/api/v1/surveys/invitations?facilityId={A}"), s.DischargeId.ToString()),
            ["GET /api/v1/surveys/invitations/{dischargeId}"] = new FacilityObject(new Probe("GET", $"/api/v1/surveys/invitations/{s.DischargeId}")),
            ["GET /api/v1/surveys/respond/{token}"] = new NotFacilityScoped(PublicToken),
            ["POST /api/v1/surveys/respond/{token}"] = new NotFacilityScoped(PublicToken),
            ["GET /api/v1/outreach/rsvp/{token}"] = new NotFacilityScoped(PublicToken),
            ["POST /api/v1/outreach/rsvp/{token}"] = new NotFacilityScoped(PublicToken),
            ["GET /api/v1/outreach/events"] = new FacilityListing(new Probe("GET", $"/api/v1/outreach/events?facilityId={A}"), s.EventId.ToString()),
            ["POST /api/v1/outreach/events"] = new FacilityObject(new Probe("POST", "/api/v1/outreach/events", EventBody())),
            ["GET /api/v1/outreach/events/{id}"] = new FacilityObject(new Probe("GET", e)),
            ["POST /api/v1/outreach/events/{id}/recruit"] = new FacilityObject(new Probe("POST", $"{e}/recruit", new { }, ETagFrom: e)),
            ["POST /api/v1/outreach/events/{id}/cancel"] = new FacilityObject(new Probe("POST", $"{e}/cancel", new { }, ETagFrom: e)),
            ["POST /api/v1/outreach/events/{id}/outcome"] = new FacilityObject(new Probe("POST", $"{e}/outcome", new { attendedInvitationIds = Array.Empty<Guid>(), otherAttendees = 2, themes = "Planted" }, ETagFrom: e)),
            ["PUT /api/v1/outreach/events/{id}/improvement-actions"] = new FacilityObject(new Probe("PUT", $"{e}/improvement-actions",
                new { improvementActionIds = new[] { Guid.NewGuid().ToString() } }, ETagFrom: e)),
            ["GET /api/v1/audit/survey"] = new FacilityListing(new Probe("GET", "/api/v1/audit/survey", Role: "compliance"), $"\"{A}\""),
            ["GET /api/v1/audit/survey/verify"] = new FacilityObject(new Probe("GET", "/api/v1/audit/survey/verify", Role: "compliance", Facility: PlatformClaims.AllFacilities)),
        };
    }

    private static object EventBody() => new
    {
        facilityId = A, kind = "focus-group", topic = "Coming home after a hip replacement", startsAt = SurveyApp.Start.AddDays(3), location = "Conference room B",
        capacity = 8, languages = new[] { "en" }, criteria = new { languages = Array.Empty<string>(), ageBands = Array.Empty<string>(), unitIds = Array.Empty<string>() },
    };

    private static Dictionary<string, GrpcFacilityAccess> GrpcTable(SurveyService.SurveyServiceClient client) => new()
    {
        ["patientexperience.survey.v1.SurveyService/GetSurveyResults"] = new GrpcFacilityObject(h => client.GetSurveyResultsAsync(new GetSurveyResultsRequest
        {
            FacilityId = A, From = Timestamp.FromDateTimeOffset(SurveyApp.Start.AddDays(-30)), To = Timestamp.FromDateTimeOffset(SurveyApp.Start.AddDays(30)),
        }, h, cancellationToken: Ct).ResponseAsync),
    };

    private SurveyService.SurveyServiceClient Grpc() =>
        new(GrpcChannel.ForAddress(_app.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _app.Server.CreateHandler() }));

    [Fact]
    public void Every_operation_of_the_survey_service_is_classified_for_cross_facility_access()
    {
        var http = CrossFacilitySweep.Unclassified(RouteTable.Http(_app.Services).Select(o => o.Key), Table(new Seeds(Guid.Empty, Guid.Empty, Guid.Empty)).Keys);
        var grpc = CrossFacilitySweep.Unclassified(RouteTable.Grpc(_app.Services).Select(o => o.Key), GrpcTable(Grpc()).Keys);
        Assert.True(http.Count + grpc.Count == 0, CrossFacilitySweep.Report([.. http, .. grpc]));
    }

    [Fact]
    public async Task Staff_of_another_facility_in_every_role_reach_none_of_a_facilitys_surveys_or_outreach_and_change_nothing()
    {
        var seeds = await SeedAsync();
        using var client = _app.CreateClient();

        var failures = await CrossFacilitySweep.RunAsync(client, Table(seeds), _writes, (role, facility) => SurveyApp.TokenFor(role, facility), A, B, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    [Fact]
    public async Task A_service_token_of_another_facility_reads_no_survey_results_over_grpc()
    {
        await SeedAsync();

        var failures = await CrossFacilitySweep.RunGrpcAsync(GrpcTable(Grpc()), _writes, (role, facility) =>
            SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = SurveyApp.SigningKey }, "reporting-service", role, [facility], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10),
                new AuthOptions().ServiceAudience), A, B);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    private async Task<Seeds> SeedAsync()
    {
        var invitation = await _app.DischargeAsync(Samples.Discharge(_app.Clock.GetUtcNow()));
        var consent = new OutreachConsent
        {
            ResponseId = Guid.NewGuid(), FacilityId = A, DepartmentId = "medicine", UnitId = "4-west", Language = "en", AgeBand = "65-79",
            ContactReference = Guid.NewGuid(), SurveyId = "inpatient-experience", ConsentedAt = _app.Clock.GetUtcNow(),
        };
        await _app.Services.GetRequiredService<OutreachStore>().AddOnceAsync(consent, Ct);

        using var staff = _app.ClientFor("patient-relations", A);
        using var planned = await staff.PostAsJsonAsync("/api/v1/outreach/events", EventBody(), Ct);
        Assert.Equal(HttpStatusCode.Created, planned.StatusCode);
        var eventId = (await planned.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        // Read by its own facility, so the audit trail holds entries of the facility.
        (await staff.GetAsync($"/api/v1/surveys/outreach-consents?facilityId={A}", Ct)).EnsureSuccessStatusCode();
        return new Seeds(invitation.DischargeId, eventId, consent.ResponseId);
    }

    /// <summary>OWASP API5: each operation's own authorization metadata names the roles it admits; every other role is refused.</summary>
    [Fact]
    public async Task Roles_an_operation_of_survey_does_not_admit_are_refused_and_change_nothing()
    {
        var seeds = await SeedAsync();
        using var client = _app.CreateClient();

        var failures = await FunctionLevelSweep.RunAsync(client, _app.Services, Table(seeds), _writes, (role, facility) => SurveyApp.TokenFor(role, facility), A, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    /// <summary>
    /// OWASP API3 and API4 on every operation with a JSON body: server-owned fields the request does not have (id, version,
    /// status, another facility, createdAt, escalationLevel...) are a 400 naming the field, and a body nested 10,000 deep a 400
    /// problem; neither writes anything.
    /// </summary>
    [Fact]
    public async Task Server_owned_fields_and_deeply_nested_bodies_sent_to_survey_are_refused_and_change_nothing()
    {
        var seeds = await SeedAsync();
        using var client = _app.CreateClient();

        var failures = await BodyAbuseSweep.RunAsync(client, _app.Services, Table(seeds), _writes, (role, facility) => SurveyApp.TokenFor(role, facility), A, B, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    /// <summary>
    /// OWASP API4 on the service's own port (a caller that bypasses the gateway): every operation that takes a body, sent one
    /// byte over <c>Http:MaxRequestBodyBytes</c>, answers 413 and writes nothing (<c>BodyAbuseSweep.OversizedAsync</c>).
    /// </summary>
    [Fact]
    public async Task A_body_over_the_limit_sent_to_survey_is_refused_with_413_and_changes_nothing()
    {
        var seeds = await SeedAsync();
        using var client = _app.CreateClient();

        var failures = await BodyAbuseSweep.OversizedAsync(client, _app.Services, Table(seeds), _writes, (role, facility) => SurveyApp.TokenFor(role, facility), A, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }
}
