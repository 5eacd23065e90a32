using System.Net;
using System.Net.Http.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using PatientExperience.Contracts.Intake.V1;
using PatientExperience.Intake.Feedback;
using PatientExperience.Intake.Tests.Discharges;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Testing.Security;
using Grpc.Net.Client;
using Task = System.Threading.Tasks.Task;

namespace PatientExperience.Intake.Tests.Security;

/// <summary>
/// OWASP API1 on every operation of intake, read from its route table (HTTP and gRPC): a submission and a discharge of
/// Riverside are out of reach of Mesa's staff, EHR feed and services in every role, and their attempts write nothing.
/// </summary>
public sealed class CrossFacilityAccessTests(CrossFacilityAccessTests.App app) : IClassFixture<CrossFacilityAccessTests.App>
{
    private const string A = "riverside-general";
    private const string B = "mesa-valley";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed class App : IAsyncLifetime
    {
        public StoreWrites Writes { get; } = new();

        public IntakeApp Intake { get; }

        public App() => Intake = new IntakeApp { TestServices = Writes.RecordStoreWrites };

        public ValueTask InitializeAsync() => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => Intake.DisposeAsync();
    }

    private sealed record Seeds(Guid SubmissionId, Guid DischargeId);

    private static Dictionary<string, FacilityAccess> Table(Seeds s) => new()
    {
        ["POST /api/v1/feedback"] = new NotFacilityScoped(
            "the public form: anyone may send a concern about any facility; a token that does not cover the facility counts as anonymous (SubmitFeedbackTests)"),
        ["GET /api/v1/feedback/{id}"] = new FacilityObject(new Probe("GET", $"/api/v1/feedback/{s.SubmissionId}")),
        ["POST /api/v1/fhir/Encounter"] = new FacilityObject(new Probe("POST", "/api/v1/fhir/Encounter", FhirSamples.EncounterWithPatient(facility: A).ToJson(),
            Role: PlatformClaims.IntegrationRole, MediaType: "application/fhir+json"), HttpStatusCode.Forbidden),
        // A batch answers 200 with one outcome per entry: an entry of another facility is refused in its outcome, never recorded.
        ["POST /api/v1/fhir"] = new FacilityListing(new Probe("POST", "/api/v1/fhir",
            FhirSamples.Bundle(Bundle.BundleType.Batch, FhirSamples.Encounter(facility: A)).ToJson(), Role: PlatformClaims.IntegrationRole, MediaType: "application/fhir+json"),
            "dischargeId="),
        ["GET /api/v1/audit/intake"] = new FacilityListing(new Probe("GET", $"/api/v1/audit/intake?submissionId={s.SubmissionId}", Role: "compliance"), s.SubmissionId.ToString()),
        ["GET /api/v1/audit/intake/verify"] = new FacilityObject(new Probe("GET", "/api/v1/audit/intake/verify", Role: "compliance", Facility: PlatformClaims.AllFacilities)),
    };

    private static Dictionary<string, GrpcFacilityAccess> GrpcTable(IntakeService.IntakeServiceClient client, Seeds s) => new()
    {
        ["patientexperience.intake.v1.IntakeService/GetSubmission"] = new GrpcFacilityObject(h =>
            client.GetSubmissionAsync(new GetSubmissionRequest { SubmissionId = s.SubmissionId.ToString() }, h, cancellationToken: Ct).ResponseAsync),
        ["patientexperience.intake.v1.IntakeService/GetDischargeContact"] = new GrpcFacilityObject(h =>
            client.GetDischargeContactAsync(new GetDischargeContactRequest { DischargeId = s.DischargeId.ToString() }, h, cancellationToken: Ct).ResponseAsync),
    };

    private IntakeService.IntakeServiceClient Grpc() =>
        new(GrpcChannel.ForAddress(app.Intake.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = app.Intake.Server.CreateHandler() }));

    [Fact]
    public void Every_operation_of_intake_is_classified_for_cross_facility_access()
    {
        var placeholder = new Seeds(Guid.Empty, Guid.Empty);
        var http = CrossFacilitySweep.Unclassified(RouteTable.Http(app.Intake.Services).Select(o => o.Key), Table(placeholder).Keys);
        var grpc = CrossFacilitySweep.Unclassified(RouteTable.Grpc(app.Intake.Services).Select(o => o.Key), GrpcTable(Grpc(), placeholder).Keys);
        Assert.True(http.Count + grpc.Count == 0, CrossFacilitySweep.Report([.. http, .. grpc]));
    }

    [Fact]
    public async Task Staff_and_feeds_of_another_facility_in_every_role_reach_none_of_a_facilitys_submissions_or_discharges()
    {
        var seeds = await SeedAsync();
        using var client = app.Intake.CreateClient();

        var failures = await CrossFacilitySweep.RunAsync(client, Table(seeds), app.Writes, Token, A, B, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    [Fact]
    public async Task A_service_token_of_another_facility_reaches_no_submission_or_discharge_contact_over_grpc()
    {
        var seeds = await SeedAsync();

        var failures = await CrossFacilitySweep.RunGrpcAsync(GrpcTable(Grpc(), seeds), app.Writes,
            (role, facility) => Token(role, facility, new AuthOptions().ServiceAudience), A, B);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    private static string Token(string role, string facility) => Token(role, facility, null);

    private static string Token(string role, string facility, string? audience) =>
        SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = IntakeApp.SigningKey }, $"test-{role}", role, [facility], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10), audience);

    private async Task<Seeds> SeedAsync()
    {
        var submitted = await app.Intake.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(), Ct);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var submissionId = (await submitted.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;
        // Read by its own facility, so the audit trail holds an entry about it.
        (await app.Intake.ClientFor("admin", A).GetAsync($"/api/v1/feedback/{submissionId}", Ct)).EnsureSuccessStatusCode();

        var discharged = await app.Intake.ClientFor(PlatformClaims.IntegrationRole, A).PostAsync("/api/v1/fhir/Encounter", FhirSamples.Content(FhirSamples.EncounterWithPatient()), Ct);
        var outcome = (OperationOutcome)new FhirJsonDeserializer(new DeserializerSettings()).DeserializeResource(await discharged.Content.ReadAsStringAsync(Ct));
        return new Seeds(submissionId, Guid.Parse(outcome.Issue[0].Diagnostics!["dischargeId=".Length..]));
    }

    /// <summary>OWASP API5: each operation's own authorization metadata names the roles it admits; every other role is refused.</summary>
    [Fact]
    public async Task Roles_an_operation_of_intake_does_not_admit_are_refused_and_change_nothing()
    {
        var seeds = await SeedAsync();
        using var client = app.Intake.CreateClient();

        var failures = await FunctionLevelSweep.RunAsync(client, app.Intake.Services, Table(seeds), app.Writes, Token, A, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    /// <summary>
    /// OWASP API3 and API4 on every operation with a JSON body: server-owned fields the request does not have (id, version,
    /// status, another facility, createdAt, escalationLevel...) are a 400 naming the field, and a body nested 10,000 deep a 400
    /// problem; neither writes anything.
    /// </summary>
    [Fact]
    public async Task Server_owned_fields_and_deeply_nested_bodies_sent_to_intake_are_refused_and_change_nothing()
    {
        var seeds = await SeedAsync();
        using var client = app.Intake.CreateClient();

        var failures = await BodyAbuseSweep.RunAsync(client, app.Intake.Services, Table(seeds), app.Writes, Token, A, B, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    /// <summary>
    /// OWASP API4 on the service's own port (a caller that bypasses the gateway): every operation that takes a body, sent one
    /// byte over <c>Http:MaxRequestBodyBytes</c>, answers 413 and writes nothing (<c>BodyAbuseSweep.OversizedAsync</c>).
    /// </summary>
    [Fact]
    public async Task A_body_over_the_limit_sent_to_intake_is_refused_with_413_and_changes_nothing()
    {
        var seeds = await SeedAsync();
        using var client = app.Intake.CreateClient();

        var failures = await BodyAbuseSweep.OversizedAsync(client, app.Intake.Services, Table(seeds), app.Writes, Token, A, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }
}
