using System.Net;

namespace PatientExperience.Gateway.Tests;

/// <summary>The reporting service's routes: reads only, for staff; the service itself decides which roles and facilities.</summary>
public sealed class ReportingRoutingTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/v1/reports/kpis?facilityId=riverside-general&from=2026-03-01&to=2026-03-31")]
    [InlineData("/api/v1/reports/kpis/series?interval=week&groupBy=unit")]
    [InlineData("/api/v1/reports/comparison")]
    public async Task Reports_need_a_staff_token_and_reach_the_reporting_service(string path)
    {
        await app.AssertStaffRouteReachesAsync("GET", path, GatewayApp.ReportingClusterPrefix + path.Split('?')[0], "analyst");
    }

    [Fact]
    public async Task Nothing_but_reads_reaches_the_reporting_service()
    {
        var (request, marker) = MarkedRequest.Create(HttpMethod.Post, "/api/v1/reports/kpis");

        await app.ClientWithToken(GatewayApp.TokenFor("admin")).SendAsync(request, Ct);

        Assert.Empty(app.Backend.ReceivedFor(marker));
    }
}
