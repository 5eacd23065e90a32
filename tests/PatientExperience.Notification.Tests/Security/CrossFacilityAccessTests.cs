using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Net.Client;
using PatientExperience.Contracts.Notification.V1;
using PatientExperience.Notification.Deliveries;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Testing.Security;

namespace PatientExperience.Notification.Tests.Security;

/// <summary>
/// OWASP API1 on every operation of the notification service, read from its route table (HTTP and gRPC). The inbox is the
/// caller's own (by the token's subject) and scoped by facility too: the same person with a token of another facility sees,
/// counts and marks none of the first facility's entries; deliveries are out of reach of another facility's staff.
/// </summary>
public sealed class CrossFacilityAccessTests(CrossFacilityAccessTests.App fixture) : IClassFixture<CrossFacilityAccessTests.App>
{
    private const string A = FakeCaseDirectory.Facility;
    private const string B = "mesa-valley";

    /// <summary>Every token of the sweep names the department head who was told: only the facility differs.</summary>
    private static readonly string Person = Samples.DepartmentHead.PersonId;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed class App : IAsyncLifetime
    {
        public StoreWrites Writes { get; } = new();

        public NotificationApp Notification { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Notification = await NotificationApp.StartAsync(testServices: Writes.RecordStoreWrites);

        public async ValueTask DisposeAsync() => await Notification.DisposeAsync();
    }

    private sealed record Seeds(Guid InboxEntryId, Guid DeliveryId, Guid CaseId);

    private static Dictionary<string, FacilityAccess> Table(Seeds s) => new()
    {
        ["GET /api/v1/notifications/inbox"] = new FacilityListing(new Probe("GET", "/api/v1/notifications/inbox", Role: "department-head"), s.InboxEntryId.ToString()),
        ["GET /api/v1/notifications/inbox/unread-count"] = new FacilityCount(new Probe("GET", "/api/v1/notifications/inbox/unread-count", Role: "department-head"), "unread"),
        // The owning facility's calls go in the table's order: this one runs before the entry is marked read below.
        ["POST /api/v1/notifications/inbox/read-all"] = new FacilityCount(new Probe("POST", "/api/v1/notifications/inbox/read-all", Role: "department-head"), "marked"),
        ["POST /api/v1/notifications/inbox/{id}/read"] = new FacilityObject(new Probe("POST", $"/api/v1/notifications/inbox/{s.InboxEntryId}/read", Role: "department-head")),
        ["GET /api/v1/notifications/preferences"] = new NotFacilityScoped("the caller's own channel preferences (by the token's subject), not an object of a facility"),
        ["PUT /api/v1/notifications/preferences"] = new NotFacilityScoped("the caller's own channel preferences (by the token's subject), not an object of a facility"),
        ["GET /api/v1/notifications"] = new FacilityListing(new Probe("GET", $"/api/v1/notifications?caseId={s.CaseId}"), s.DeliveryId.ToString()),
        ["GET /api/v1/notifications/{id}"] = new FacilityObject(new Probe("GET", $"/api/v1/notifications/{s.DeliveryId}")),
    };

    private static Dictionary<string, GrpcFacilityAccess> GrpcTable(NotificationService.NotificationServiceClient client, Seeds s) => new()
    {
        ["patientexperience.notification.v1.NotificationService/GetInbox"] = new GrpcFacilityListing(async h =>
            (await client.GetInboxAsync(new GetInboxRequest(), h, cancellationToken: Ct)).ToString(), s.InboxEntryId.ToString()),
    };

    private NotificationService.NotificationServiceClient Grpc() =>
        new(GrpcChannel.ForAddress(fixture.Notification.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = fixture.Notification.Server.CreateHandler() }));

    private static string Token(string role, string facility) => NotificationApp.TokenFor(Person, role, facility);

    [Fact]
    public void Every_operation_of_the_notification_service_is_classified_for_cross_facility_access()
    {
        var placeholder = new Seeds(Guid.Empty, Guid.Empty, Guid.Empty);
        var http = CrossFacilitySweep.Unclassified(RouteTable.Http(fixture.Notification.Services).Select(o => o.Key), Table(placeholder).Keys);
        var grpc = CrossFacilitySweep.Unclassified(RouteTable.Grpc(fixture.Notification.Services).Select(o => o.Key), GrpcTable(Grpc(), placeholder).Keys);
        Assert.True(http.Count + grpc.Count == 0, CrossFacilitySweep.Report([.. http, .. grpc]));
    }

    [Fact]
    public async Task A_person_or_staff_with_a_token_of_another_facility_reach_none_of_its_inbox_entries_or_deliveries()
    {
        var seeds = await SeedAsync();
        using var client = fixture.Notification.CreateClient();

        var failures = await CrossFacilitySweep.RunAsync(client, Table(seeds), fixture.Writes, Token, A, B, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    [Fact]
    public async Task The_inbox_over_grpc_with_a_token_of_another_facility_shows_none_of_its_entries()
    {
        var seeds = await SeedAsync();

        var failures = await CrossFacilitySweep.RunGrpcAsync(GrpcTable(Grpc(), seeds), fixture.Writes, (role, facility) =>
            SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = NotificationApp.SigningKey }, Person, role, [facility], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10),
                new AuthOptions().ServiceAudience), A, B);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    private async Task<Seeds> SeedAsync()
    {
        var app = fixture.Notification;
        var c = app.KnownCase();
        await app.Publish(Samples.Escalated(c));
        var deliveries = await app.DeliveriesWhenAsync(d => d.Any(x => x.CaseId == c.CaseId && x.Channel == "inbox" && x.Status == DeliveryStatus.Delivered), "the inbox entry");
        using var me = app.ClientFor(Person, "department-head", A);
        var inbox = await me.GetFromJsonAsync<JsonElement>("/api/v1/notifications/inbox", Ct);
        var entry = inbox.GetProperty("items").EnumerateArray().First(i => i.GetProperty("caseId").GetGuid() == c.CaseId);
        return new Seeds(entry.GetProperty("id").GetGuid(), deliveries.First(d => d.CaseId == c.CaseId).Id, c.CaseId);
    }

    /// <summary>OWASP API5: each operation's own authorization metadata names the roles it admits; every other role is refused.</summary>
    [Fact]
    public async Task Roles_an_operation_of_notification_does_not_admit_are_refused_and_change_nothing()
    {
        var seeds = await SeedAsync();
        using var client = fixture.Notification.CreateClient();

        var failures = await FunctionLevelSweep.RunAsync(client, fixture.Notification.Services, Table(seeds), fixture.Writes, Token, A, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    /// <summary>
    /// OWASP API3 and API4 on every operation with a JSON body: server-owned fields the request does not have (id, version,
    /// status, another facility, createdAt, escalationLevel...) are a 400 naming the field, and a body nested 10,000 deep a 400
    /// problem; neither writes anything.
    /// </summary>
    [Fact]
    public async Task Server_owned_fields_and_deeply_nested_bodies_sent_to_notification_are_refused_and_change_nothing()
    {
        var seeds = await SeedAsync();
        using var client = fixture.Notification.CreateClient();

        var failures = await BodyAbuseSweep.RunAsync(client, fixture.Notification.Services, Table(seeds), fixture.Writes, Token, A, B, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    /// <summary>
    /// OWASP API4 on the service's own port (a caller that bypasses the gateway): every operation that takes a body, sent one
    /// byte over <c>Http:MaxRequestBodyBytes</c>, answers 413 and writes nothing (<c>BodyAbuseSweep.OversizedAsync</c>).
    /// </summary>
    [Fact]
    public async Task A_body_over_the_limit_sent_to_notification_is_refused_with_413_and_changes_nothing()
    {
        var seeds = await SeedAsync();
        using var client = fixture.Notification.CreateClient();

        var failures = await BodyAbuseSweep.OversizedAsync(client, fixture.Notification.Services, Table(seeds), fixture.Writes, Token, A, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }
}
