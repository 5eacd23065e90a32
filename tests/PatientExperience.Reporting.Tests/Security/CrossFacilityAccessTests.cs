using System.Net;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Reporting.V1;
using PatientExperience.Reporting.Governance;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Testing.Security;

namespace PatientExperience.Reporting.Tests.Security;

/// <summary>
/// OWASP API1 on every operation of the reporting service, read from its route table (HTTP and gRPC): Riverside's numbers,
/// charts, signals and governance packs are refused (403, as the service documents for reports) to every role of Hillcrest.
/// </summary>
public sealed class CrossFacilityAccessTests(CrossFacilityAccessTests.App fixture) : IClassFixture<CrossFacilityAccessTests.App>
{
    private const string A = MarchHistory.Riverside;
    private const string B = MarchHistory.Hillcrest;
    private const string March = "from=2026-03-01&to=2026-03-31";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The reporting service with March projected and its governance packs stored, store writes recorded per request.</summary>
    public sealed class App : IAsyncLifetime
    {
        public StoreWrites Writes { get; } = new();

        public ReportingApp Reporting { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Reporting = ReportingApp.Create(settings: new Dictionary<string, string?> { ["Reporting:GovernancePacks:Paused"] = "true" }, testServices: Writes.RecordStoreWrites);
            await Reporting.PublishAndAwaitAsync(MarchHistory.Events());
            Assert.Contains("2026-03-riverside", await Reporting.Services.GetRequiredService<GovernancePacks>().GenerateDueAsync(TestContext.Current.CancellationToken));
        }

        public ValueTask DisposeAsync() => Reporting.DisposeAsync();
    }

    private static FacilityObject Refused(string path, string? facility = null) =>
        new(new Probe("GET", path, Role: "analyst", Facility: facility), HttpStatusCode.Forbidden);

    private static readonly Dictionary<string, FacilityAccess> Table = new()
    {
        ["GET /api/v1/reports/kpis"] = Refused($"/api/v1/reports/kpis?facilityId={A}&{March}"),
        ["GET /api/v1/reports/kpis/series"] = Refused($"/api/v1/reports/kpis/series?facilityId={A}&{March}"),
        // Comparing facilities is for a token of every facility only.
        ["GET /api/v1/reports/comparison"] = Refused($"/api/v1/reports/comparison?{March}", PlatformClaims.AllFacilities),
        ["GET /api/v1/reports/signals"] = Refused($"/api/v1/reports/signals?facilityId={A}&{March}"),
        ["GET /api/v1/reports/rising-categories"] = Refused($"/api/v1/reports/rising-categories?facilityId={A}&{March}"),
        ["GET /api/v1/reports/charts/{name}"] = Refused($"/api/v1/reports/charts/volumes-by-category?facilityId={A}&{March}&format=svg"),
        ["GET /api/v1/reports/governance-pack"] = Refused($"/api/v1/reports/governance-pack?facilityId={A}&month=2026-03"),
        ["GET /api/v1/reports/governance-packs"] = Refused($"/api/v1/reports/governance-packs?facilityId={A}"),
        ["GET /api/v1/reports/governance-packs/{id}"] = Refused($"/api/v1/reports/governance-packs/2026-03-{A}"),
    };

    private static Dictionary<string, GrpcFacilityAccess> GrpcTable(ReportingService.ReportingServiceClient client) => new()
    {
        ["patientexperience.reporting.v1.ReportingService/GetKpis"] = new GrpcFacilityObject(h =>
            client.GetKpisAsync(new GetKpisRequest { FacilityId = A, From = "2026-03-01", To = "2026-03-31" }, h, cancellationToken: Ct).ResponseAsync),
        ["patientexperience.reporting.v1.ReportingService/GetDashboard"] = new GrpcFacilityObject(h =>
            client.GetDashboardAsync(new GetDashboardRequest { FacilityId = A, From = "2026-03-01", To = "2026-03-31" }, h, cancellationToken: Ct).ResponseAsync),
    };

    private ReportingService.ReportingServiceClient Grpc() =>
        new(GrpcChannel.ForAddress(fixture.Reporting.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = fixture.Reporting.Server.CreateHandler() }));

    [Fact]
    public void Every_operation_of_the_reporting_service_is_classified_for_cross_facility_access()
    {
        var http = CrossFacilitySweep.Unclassified(RouteTable.Http(fixture.Reporting.Services).Select(o => o.Key), Table.Keys);
        var grpc = CrossFacilitySweep.Unclassified(RouteTable.Grpc(fixture.Reporting.Services).Select(o => o.Key), GrpcTable(Grpc()).Keys);
        Assert.True(http.Count + grpc.Count == 0, CrossFacilitySweep.Report([.. http, .. grpc]));
    }

    [Fact]
    public async Task Staff_of_another_facility_in_every_role_read_none_of_a_facilitys_numbers_charts_or_packs()
    {
        using var client = fixture.Reporting.CreateClient();

        var failures = await CrossFacilitySweep.RunAsync(client, Table, fixture.Writes, (role, facility) => ReportingApp.TokenFor(role, facility), A, B, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    [Fact]
    public async Task A_service_token_of_another_facility_reads_none_of_its_numbers_over_grpc()
    {
        // The services' gRPC callers hold the report permission (a dashboard for the console): an analyst stands in for them.
        var failures = await CrossFacilitySweep.RunGrpcAsync(GrpcTable(Grpc()), fixture.Writes, (role, facility) =>
            SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = ReportingApp.SigningKey }, "console", role, [facility], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10),
                new AuthOptions().ServiceAudience), A, B);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }

    /// <summary>OWASP API5: each operation's own authorization metadata names the roles it admits; every other role is refused.</summary>
    [Fact]
    public async Task Roles_an_operation_of_reporting_does_not_admit_are_refused_and_change_nothing()
    {
        using var client = fixture.Reporting.CreateClient();

        var failures = await FunctionLevelSweep.RunAsync(client, fixture.Reporting.Services, Table, fixture.Writes, (role, facility) => ReportingApp.TokenFor(role, facility), A, Ct);

        Assert.True(failures.Count == 0, CrossFacilitySweep.Report(failures));
    }
}
