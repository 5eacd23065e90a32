using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using PatientExperience.Contracts.Reporting.V1;

namespace PatientExperience.Reporting.Tests;

/// <summary>Who sees which numbers: facility analysts their facilities only, health-system analysts all and the comparison; CSV with small cells suppressed; gRPC alike.</summary>
public sealed class ScopeTests : IAsyncLifetime
{
    private const string March = "from=2026-03-01&to=2026-03-31";
    private readonly ReportingApp _app = ReportingApp.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _app.PublishAndAwaitAsync(MarchHistory.Events());

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_facility_analyst_cannot_read_another_facilitys_numbers_and_without_a_facility_sees_only_their_own()
    {
        using var hillcrest = _app.ClientFor("analyst", MarchHistory.Hillcrest);

        using var refused = await hillcrest.GetAsync($"/api/v1/reports/kpis?facilityId=riverside&{March}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        using var refusedSeries = await hillcrest.GetAsync($"/api/v1/reports/kpis/series?facilityId=riverside&{March}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refusedSeries.StatusCode);

        var own = await hillcrest.GetFromJsonAsync<JsonElement>($"/api/v1/reports/kpis?{March}", Ct);
        Assert.Equal(["hillcrest"], own.GetProperty("scope").GetProperty("facilities").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(1, own.GetProperty("casesOpened").GetInt64());

        using var system = _app.ClientFor("analyst", "*");
        var all = await system.GetFromJsonAsync<JsonElement>($"/api/v1/reports/kpis?{March}", Ct);
        Assert.Equal(6, all.GetProperty("casesOpened").GetInt64());
    }

    [Fact]
    public async Task Only_a_health_system_analyst_gets_the_cross_facility_comparison()
    {
        using var facilityAnalyst = _app.ClientFor("analyst", MarchHistory.Riverside, MarchHistory.Hillcrest);
        using var refused = await facilityAnalyst.GetAsync($"/api/v1/reports/comparison?{March}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var system = _app.ClientFor("analyst", "*");
        var comparison = await system.GetFromJsonAsync<JsonElement>($"/api/v1/reports/comparison?{March}", Ct);
        var facilities = comparison.GetProperty("facilities").EnumerateArray()
            .ToDictionary(f => f.GetProperty("scope").GetProperty("facilities")[0].GetString()!, f => f.GetProperty("casesOpened").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["hillcrest"] = 1, ["riverside"] = 5 }, facilities);
    }

    [Fact]
    public async Task Roles_without_reports_are_refused_and_bad_parameters_get_a_problem_that_names_them()
    {
        using var advocate = _app.ClientFor("advocate", "*");
        using var refused = await advocate.GetAsync($"/api/v1/reports/kpis?{March}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var anonymous = _app.CreateClient();
        using var unauthenticated = await anonymous.GetAsync($"/api/v1/reports/kpis?{March}", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);

        using var analyst = _app.ClientFor("analyst", "*");
        foreach (var (query, field) in new[]
                 {
                     ("from=01/03/2026", "from"), ("to=2026-13-01", "to"), ("from=2026-04-01&to=2026-03-01", "from"),
                     ("from=2020-01-01&to=2026-03-01", "from"), ("facilityId=", "facilityId"),
                 })
        {
            using var response = await analyst.GetAsync($"/api/v1/reports/kpis?{query}", Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query} names {field}");
        }

        using var badInterval = await analyst.GetAsync($"/api/v1/reports/kpis/series?{March}&interval=hour&groupBy=ward", Ct);
        var errors = (await badInterval.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("interval", out _) && errors.TryGetProperty("groupBy", out _));
    }

    [Fact]
    public async Task Csv_exports_suppress_cells_under_five_cases()
    {
        using var analyst = _app.ClientFor("analyst", MarchHistory.Riverside);
        analyst.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));

        using var response = await analyst.GetAsync($"/api/v1/reports/kpis?facilityId=riverside&{March}", Ct);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var row = lines[0].Split(',').Zip(lines[1].Split(',')).ToDictionary(c => c.First, c => c.Second);
        Assert.Equal("7", row["feedbackTotal"]);
        Assert.Equal("5", row["casesOpened"]);
        Assert.Equal("40", row["discharges"]);
        Assert.Equal("100", row["complaintsPer1000Discharges"]);
        // Counts of 1 to 4, and what rests on so few: empty.
        Assert.Equal("", row["feedbackGrievances"]);
        Assert.Equal("", row["acknowledged"]);
        Assert.Equal("", row["timeToAcknowledgeP50"]);
        Assert.Equal("", row["escalationsExecutive"]);
        Assert.Equal("", row["serviceRecoveryOpened"]);
        Assert.Equal("8", row["npsN"]);
        Assert.Equal("25", row["nps"]);
        // Zero is not a small cell.
        Assert.Equal("0", row["backlog8-30d"]);

        using var series = await analyst.GetAsync($"/api/v1/reports/kpis/series?facilityId=riverside&{March}&interval=month&groupBy=unit", Ct);
        var seriesLines = (await series.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("period,group,feedback,casesOpened", seriesLines[0], StringComparison.Ordinal);
        var ward = seriesLines.Single(l => l.StartsWith("2026-03-01,ward-4,", StringComparison.Ordinal)).Split(',');
        Assert.Equal("", ward[3]); // 2 cases opened on ward 4: suppressed
        Assert.Equal("40", ward[17]); // its 40 discharges are shown
    }

    [Fact]
    public async Task Grpc_get_kpis_and_get_dashboard_answer_in_scope_and_refuse_other_facilities()
    {
        var client = new ReportingService.ReportingServiceClient(GrpcChannel.ForAddress(_app.Server.BaseAddress,
            new GrpcChannelOptions { HttpHandler = _app.Server.CreateHandler() }));
        var riverside = new Metadata { { "Authorization", "Bearer " + ReportingApp.TokenFor("analyst", MarchHistory.Riverside) } };

        var kpis = (await client.GetKpisAsync(new GetKpisRequest { FacilityId = "riverside", From = "2026-03-01", To = "2026-03-31" }, riverside, cancellationToken: Ct)).Kpis;
        Assert.Equal((5L, 4L, 3L, 40L, 100.0), (kpis.CasesOpened, kpis.Acknowledged, kpis.CasesResolved, kpis.Discharges, kpis.ComplaintsPer1000Discharges));
        Assert.Equal((25.0, 8L, true), (kpis.Nps, kpis.NpsN, kpis.SmallSample));

        var dashboard = await client.GetDashboardAsync(new GetDashboardRequest { FacilityId = "riverside", From = "2026-03-01", To = "2026-03-31", Interval = "week" }, riverside, cancellationToken: Ct);
        Assert.Equal(5, dashboard.Kpis.CasesOpened);
        Assert.Equal(5, dashboard.Trend.Sum(p => p.CasesOpened));
        Assert.Equal(2, dashboard.ByUnit.Single(u => u.Group == "ward-4").CasesOpened);

        var hillcrest = new Metadata { { "Authorization", "Bearer " + ReportingApp.TokenFor("analyst", MarchHistory.Hillcrest) } };
        var denied = await Assert.ThrowsAsync<RpcException>(() => client.GetKpisAsync(new GetKpisRequest { FacilityId = "riverside" }, hillcrest, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => client.GetKpisAsync(new GetKpisRequest { FacilityId = "riverside", From = "March" }, riverside, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
    }
}

/// <summary>The committed API description (docs/openapi/reporting.v1.json) is what the service serves.</summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private readonly ReportingApp _app = ReportingApp.Create();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task The_committed_openapi_document_matches_the_service() =>
        Assert.Null(await PatientExperience.Testing.OpenApiSnapshot.CompareAsync(_app.CreateClient(), "reporting", TestContext.Current.CancellationToken));
}
