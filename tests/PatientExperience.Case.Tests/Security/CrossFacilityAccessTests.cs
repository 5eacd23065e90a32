using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Case.V1;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Testing.Security;

namespace PatientExperience.Case.Tests.Security;

/// <summary>
/// OWASP API1 (broken object level authorisation) on every operation of the case service, read from its route table: a
/// new endpoint fails <see cref="Every_operation_of_the_case_service_is_classified_for_cross_facility_access"/> until it has
/// a row below. Objects are seeded at Riverside; Mesa's staff in every role are refused them and change nothing.
/// </summary>
public sealed class CrossFacilityAccessTests(CrossFacilityAccessTests.App app) : IClassFixture<CrossFacilityAccessTests.App>
{
    private const string A = Samples.Riverside;
    private const string B = Samples.Mesa;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The case service with its store writes recorded per request.</summary>
    public sealed class App : IAsyncLifetime
    {
        public StoreWrites Writes { get; } = new();

        public CaseApp Case { get; }

        public App() => Case = new CaseApp { TestServices = Writes.RecordStoreWrites };

        public ValueTask InitializeAsync() => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => Case.DisposeAsync();
    }

    /// <summary>What the sweep reaches at Riverside: a case with a task, an improvement action, the directory's own entries.</summary>
    private sealed record Seeds(Guid CaseId, Guid TaskId, Guid ActionId);

    private static readonly Seeds Placeholder = new(Guid.Empty, Guid.Empty, Guid.Empty);

    private const string PublicToken = "the complainant's status token is the credential (a hashed, revocable link), not a staff token";

    private static Dictionary<string, FacilityAccess> Table(Seeds s)
    {
        var c = $"/api/v1/cases/{s.CaseId}";
        var f = $"/api/v1/facilities/{A}";
        return new()
        {
            ["GET /api/v1/facilities"] = new NotFacilityScoped("public: the feedback form lists the health system's facilities, departments and units; no PHI"),
            ["POST /api/v1/facilities"] = new FacilityObject(new Probe("POST", "/api/v1/facilities", new { id = A, name = "Taken over" })),
            ["GET /api/v1/facilities/{facilityId}"] = new FacilityObject(new Probe("GET", f)),
            ["PUT /api/v1/facilities/{facilityId}"] = new FacilityObject(new Probe("PUT", f, new { name = "Renamed" }, ETagFrom: f)),
            ["PUT /api/v1/facilities/{facilityId}/departments/{departmentId}"] = new FacilityObject(new Probe("PUT", $"{f}/departments/billing", new { name = "Billing" }, ETagFrom: f)),
            ["DELETE /api/v1/facilities/{facilityId}/departments/{departmentId}"] = new FacilityObject(new Probe("DELETE", $"{f}/departments/billing", ETagFrom: f)),
            ["GET /api/v1/facilities/{facilityId}/people"] = new FacilityObject(new Probe("GET", $"{f}/people")),
            ["GET /api/v1/facilities/{facilityId}/escalation-chain"] = new FacilityObject(new Probe("GET", $"{f}/escalation-chain")),
            ["PUT /api/v1/facilities/{facilityId}/escalation-chain"] = new FacilityObject(new Probe("PUT", $"{f}/escalation-chain", new { }, ETagFrom: $"{f}/escalation-chain")),
            ["GET /api/v1/facilities/{facilityId}/triage-rota"] = new FacilityObject(new Probe("GET", $"{f}/triage-rota")),
            ["PUT /api/v1/facilities/{facilityId}/triage-rota"] = new FacilityObject(new Probe("PUT", $"{f}/triage-rota", new { shifts = Array.Empty<object>() }, ETagFrom: $"{f}/triage-rota")),
            ["GET /api/v1/facilities/{facilityId}/on-call"] = new FacilityObject(new Probe("GET", $"{f}/on-call", Role: "advocate")),
            ["GET /api/v1/facilities/{facilityId}/sla-policy"] = new FacilityObject(new Probe("GET", $"{f}/sla-policy")),
            ["PUT /api/v1/facilities/{facilityId}/sla-policy"] = new FacilityObject(new Probe("PUT", $"{f}/sla-policy", new { }, ETagFrom: $"{f}/sla-policy")),
            ["GET /api/v1/facilities/{facilityId}/assignment-policy"] = new FacilityObject(new Probe("GET", $"{f}/assignment-policy")),
            ["PUT /api/v1/facilities/{facilityId}/assignment-policy"] = new FacilityObject(new Probe("PUT", $"{f}/assignment-policy", new { mode = "round-robin" }, ETagFrom: $"{f}/assignment-policy")),
            ["POST /api/v1/people"] = new FacilityObject(new Probe("POST", "/api/v1/people",
                new { id = "planted-person", name = "Planted", roles = new[] { "patient-relations" }, covers = new[] { new { facilityId = A } } })),
            ["GET /api/v1/people/{personId}"] = new FacilityObject(new Probe("GET", "/api/v1/people/rg-advocate")),
            ["PUT /api/v1/people/{personId}"] = new FacilityObject(new Probe("PUT", "/api/v1/people/rg-advocate", new { name = "Renamed" }, ETagFrom: "/api/v1/people/rg-advocate")),
            ["GET /api/v1/advocates"] = new FacilityListing(new Probe("GET", $"/api/v1/advocates?facilityId={A}"), "rg-advocate"),
            ["GET /api/v1/advocates/{advocateId}/reassignment-candidates"] = new FacilityObject(new Probe("GET", "/api/v1/advocates/rg-advocate/reassignment-candidates")),

            ["GET /api/v1/cases"] = new FacilityListing(new Probe("GET", $"/api/v1/cases?facilityId={A}"), s.CaseId.ToString()),
            ["GET /api/v1/cases/{id}"] = new FacilityObject(new Probe("GET", c)),
            ["GET /api/v1/cases/{id}/timeline"] = new FacilityObject(new Probe("GET", $"{c}/timeline")),
            ["GET /api/v1/cases/{id}/notes"] = new FacilityObject(new Probe("GET", $"{c}/notes")),
            ["GET /api/v1/cases/{id}/guidance"] = new FacilityObject(new Probe("GET", $"{c}/guidance")),
            ["POST /api/v1/cases/{id}/notes"] = new FacilityObject(new Probe("POST", $"{c}/notes", new { text = "Planted note" }, ETagFrom: c)),
            ["POST /api/v1/cases/{id}/acknowledge"] = new FacilityObject(new Probe("POST", $"{c}/acknowledge", new { }, ETagFrom: c)),
            ["POST /api/v1/cases/{id}/assign"] = new FacilityObject(new Probe("POST", $"{c}/assign", new { assigneeId = "mv-advocate" }, ETagFrom: c)),
            ["POST /api/v1/cases/{id}/tasks"] = new FacilityObject(new Probe("POST", $"{c}/tasks", new { departmentId = "emergency", description = "Planted", dueAt = DateTimeOffset.UtcNow.AddDays(2) }, ETagFrom: c)),
            ["POST /api/v1/cases/{id}/tasks/{taskId}/complete"] = new FacilityObject(new Probe("POST", $"{c}/tasks/{s.TaskId}/complete", new { note = "Done" }, ETagFrom: c)),
            ["POST /api/v1/cases/{id}/tasks/{taskId}/cancel"] = new FacilityObject(new Probe("POST", $"{c}/tasks/{s.TaskId}/cancel", new { reason = "No" }, ETagFrom: c)),
            ["POST /api/v1/cases/{id}/escalate"] = new FacilityObject(new Probe("POST", $"{c}/escalate", new { reason = "Planted" }, ETagFrom: c)),
            ["POST /api/v1/cases/{id}/confirm-critical"] = new FacilityObject(new Probe("POST", $"{c}/confirm-critical", ETagFrom: c)),
            ["POST /api/v1/cases/{id}/letters"] = new FacilityObject(new Probe("POST", $"{c}/letters", new { kind = "final", body = "Planted" }, ETagFrom: c)),
            ["POST /api/v1/cases/{id}/resolve"] = new FacilityObject(new Probe("POST", $"{c}/resolve", ETagFrom: c)),
            ["POST /api/v1/cases/{id}/close"] = new FacilityObject(new Probe("POST", $"{c}/close", ETagFrom: c)),
            ["POST /api/v1/cases/{id}/reopen"] = new FacilityObject(new Probe("POST", $"{c}/reopen", new { reason = "Planted" }, ETagFrom: c)),
            ["POST /api/v1/cases/{id}/classification"] = new FacilityObject(new Probe("POST", $"{c}/classification", new { severity = "low", reason = "Planted" }, ETagFrom: c)),
            ["GET /api/v1/cases/{id}/messages"] = new FacilityObject(new Probe("GET", $"{c}/messages")),
            ["POST /api/v1/cases/{id}/messages"] = new FacilityObject(new Probe("POST", $"{c}/messages", new { text = "Planted reply" })),
            ["POST /api/v1/cases/{id}/status-link/revoke"] = new FacilityObject(new Probe("POST", $"{c}/status-link/revoke")),
            ["POST /api/v1/cases/{id}/status-link/reissue"] = new FacilityObject(new Probe("POST", $"{c}/status-link/reissue")),
            ["GET /api/v1/public/cases/{token}"] = new NotFacilityScoped(PublicToken),
            ["POST /api/v1/public/cases/{token}/messages"] = new NotFacilityScoped(PublicToken),
            ["GET /api/v1/tasks"] = new FacilityListing(new Probe("GET", $"/api/v1/tasks?facilityId={A}"), s.TaskId.ToString()),

            ["POST /api/v1/improvement-actions"] = new FacilityObject(new Probe("POST", "/api/v1/improvement-actions",
                new { facilityId = A, departmentId = "emergency", title = "Planted", theme = "discharge", ownerId = "rg-advocate", dueDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)) })),
            ["GET /api/v1/improvement-actions"] = new FacilityListing(new Probe("GET", $"/api/v1/improvement-actions?facilityId={A}"), s.ActionId.ToString()),
            ["GET /api/v1/improvement-actions/{id}"] = new FacilityObject(new Probe("GET", $"/api/v1/improvement-actions/{s.ActionId}")),
            ["POST /api/v1/improvement-actions/{id}/status"] = new FacilityObject(new Probe("POST", $"/api/v1/improvement-actions/{s.ActionId}/status", new { status = "in-progress" }, ETagFrom: $"/api/v1/improvement-actions/{s.ActionId}")),

            ["GET /api/v1/guidance"] = new NotFacilityScoped("the advocate guidance library is the health system's, the same for every facility; no PHI"),
            ["POST /api/v1/guidance"] = new NotFacilityScoped("the guidance library is the health system's; only administrators change it (function-level, not object-level)"),

            ["GET /api/v1/audit"] = new FacilityListing(new Probe("GET", $"/api/v1/audit?caseId={s.CaseId}", Role: "compliance"), s.CaseId.ToString()),
            ["GET /api/v1/audit/verify"] = new FacilityObject(new Probe("GET", "/api/v1/audit/verify", Role: "compliance", Facility: PlatformClaims.AllFacilities)),
        };
    }

    private static Dictionary<string, GrpcFacilityAccess> GrpcTable(CaseService.CaseServiceClient client, Seeds s) => new()
    {
        ["patientexperience.case.v1.CaseService/GetCase"] = new GrpcFacilityObject(h =>
            client.GetCaseAsync(new GetCaseRequest { CaseId = s.CaseId.ToString() }, h, cancellationToken: Ct).ResponseAsync),
        ["patientexperience.case.v1.CaseService/ResolveRecipients"] = new GrpcFacilityObject(h =>
            client.ResolveRecipientsAsync(new ResolveRecipientsRequest { CaseId = s.CaseId.ToString(), Level = "unit" }, h, cancellationToken: Ct).ResponseAsync),
        ["patientexperience.case.v1.CaseService/ListFacilities"] = new GrpcNotFacilityScoped("the directory's facilities, departments and units, public on HTTP too"),
    };

    [Fact]
    public void Every_operation_of_the_case_service_is_classified_for_cross_facility_access()
    {
        var http = CrossFacilitySweep.Unclassified(RouteTable.Http(app.Case.Services).Select(o => o.Key), Table(Placeholder).Keys);
        var grpc = CrossFacilitySweep.Unclassified(RouteTable.Grpc(app.Case.Services).Select(o => o.Key), GrpcTable(app.Case.GrpcClient(), Placeholder).Keys);
        Assert.True(http.Count + grpc.Count == 0, CrossFacilitySweep.Report([.. http, .. grpc]));
    }

    [Fact]
    public async Task Staff_of_another_facility_in_every_role_reach_none_of_a_facilitys_objects_and_change_nothing()
    {
        var seeds = await SeedAsync();
        using var client = app.Case.CreateClient();

        var failures = await CrossFacilitySweep.RunAsync(client, Table(seeds), app.Writes, (role, facility) => CaseApp.TokenFor(role, facility), A, B, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    [Fact]
    public async Task A_service_token_of_another_facility_reaches_no_case_over_grpc()
    {
        var seeds = await SeedAsync();

        var failures = await CrossFacilitySweep.RunGrpcAsync(GrpcTable(app.Case.GrpcClient(), seeds), app.Writes, ServiceToken, A, B);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    private static string ServiceToken(string role, string facility) =>
        SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = CaseApp.SigningKey }, "notification-service", role, [facility], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5),
            new AuthOptions().ServiceAudience);

    private async Task<Seeds> SeedAsync()
    {
        var opened = await app.Case.OpenCaseAsync(Samples.Feedback(A));
        using var staff = app.Case.ClientFor("admin", A);
        using var task = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{opened.Document.Id}/tasks")
        {
            Content = JsonContent.Create(new { departmentId = "emergency", description = "Review the triage log", dueAt = DateTimeOffset.UtcNow.AddDays(3) }),
        };
        task.Headers.TryAddWithoutValidation("If-Match", $"\"{opened.Version}\"");
        var tasked = await staff.SendAsync(task, Ct);
        Assert.True(tasked.IsSuccessStatusCode, await tasked.Content.ReadAsStringAsync(Ct));
        // A read of the case by its own facility: it shows the task, and the audit trail holds an entry about the case.
        var read = await staff.GetFromJsonAsync<PatientExperience.Case.Cases.CaseView>($"/api/v1/cases/{opened.Document.Id}", Ct);
        var taskId = read!.Tasks!.Single().Id;

        var proposed = await staff.PostAsJsonAsync("/api/v1/improvement-actions", new
        {
            facilityId = A, departmentId = "emergency", title = "Discharge leaflets in Spanish", theme = "discharge", ownerId = "rg-advocate",
            dueDate = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(30)),
        }, Ct);
        Assert.True(proposed.IsSuccessStatusCode, await proposed.Content.ReadAsStringAsync(Ct));
        var actionId = (await proposed.Content.ReadFromJsonAsync<PatientExperience.Case.Improvement.ImprovementActionView>(Ct))!.Id;

        return new Seeds(opened.Document.Id, taskId, actionId);
    }

    /// <summary>OWASP API5: each operation's own authorization metadata names the roles it admits; every other role is refused.</summary>
    [Fact]
    public async Task Roles_an_operation_of_case_does_not_admit_are_refused_and_change_nothing()
    {
        var seeds = await SeedAsync();
        using var client = app.Case.CreateClient();

        var failures = await FunctionLevelSweep.RunAsync(client, app.Case.Services, Table(seeds), app.Writes, (role, facility) => CaseApp.TokenFor(role, facility), A, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    /// <summary>
    /// OWASP API3 and API4 on every operation with a JSON body: server-owned fields the request does not have (id, version,
    /// status, another facility, createdAt, escalationLevel...) are a 400 naming the field, and a body nested 10,000 deep a 400
    /// problem; neither writes anything.
    /// </summary>
    [Fact]
    public async Task Server_owned_fields_and_deeply_nested_bodies_sent_to_case_are_refused_and_change_nothing()
    {
        var seeds = await SeedAsync();
        using var client = app.Case.CreateClient();

        var failures = await BodyAbuseSweep.RunAsync(client, app.Case.Services, Table(seeds), app.Writes, (role, facility) => CaseApp.TokenFor(role, facility), A, B, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    /// <summary>
    /// OWASP API4 on the service's own port (a caller that bypasses the gateway): every operation that takes a body, sent one
    /// byte over <c>Http:MaxRequestBodyBytes</c>, answers 413 and writes nothing (<c>BodyAbuseSweep.OversizedAsync</c>).
    /// </summary>
    [Fact]
    public async Task A_body_over_the_limit_sent_to_case_is_refused_with_413_and_changes_nothing()
    {
        var seeds = await SeedAsync();
        using var client = app.Case.CreateClient();

        var failures = await BodyAbuseSweep.OversizedAsync(client, app.Case.Services, Table(seeds), app.Writes, (role, facility) => CaseApp.TokenFor(role, facility), A, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }
}
