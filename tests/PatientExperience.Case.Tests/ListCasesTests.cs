using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using PatientExperience.Case.Cases;
using PatientExperience.ServiceDefaults.Http;

namespace PatientExperience.Case.Tests;

/// <summary>GET /api/v1/cases: the worklist, newest first, filtered, paged and scoped to the caller's facilities.</summary>
public sealed class ListCasesTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Instant(DateTimeOffset value) => Uri.EscapeDataString(value.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>The half-open window [first, last] that holds exactly the cases a test opened (tests of a class run one at a time).</summary>
    private static string Window(IEnumerable<Cases.CaseFile> cases) =>
        $"createdFrom={Instant(cases.Min(c => c.OpenedAt))}&createdTo={Instant(cases.Max(c => c.OpenedAt).AddTicks(1))}";

    private async Task<List<Cases.CaseFile>> OpenAsync(params string[] facilities)
    {
        var opened = new List<Cases.CaseFile>();
        foreach (var f in facilities) opened.Add((await app.OpenCaseAsync(Samples.Feedback(f, departmentId: null, unitId: null))).Document);
        return opened;
    }

    private async Task<PagedResponse<CaseView>> ListAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/v1/cases?{query}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PagedResponse<CaseView>>(Ct))!;
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/cases", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Pages_have_items_page_pageSize_and_total_and_list_the_newest_first()
    {
        var opened = await OpenAsync(Samples.Riverside, Samples.Riverside, Samples.Riverside);
        var client = app.ClientFor("patient-relations", Samples.Riverside);
        var query = $"facilityId={Samples.Riverside}&{Window(opened)}&pageSize=2";

        var raw = await client.GetAsync($"/api/v1/cases?{query}&page=1", Ct);
        using (var json = JsonDocument.Parse(await raw.Content.ReadAsStringAsync(Ct)))
        {
            var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
            Assert.Equal(new[] { "items", "page", "pageSize", "total" }, names.Order());
        }

        var first = await ListAsync(client, $"{query}&page=1");
        var second = await ListAsync(client, $"{query}&page=2");

        Assert.Equal((1, 2, 3L, 2), (first.Page, first.PageSize, first.Total, first.Items.Count));
        Assert.Equal((2, 2, 3L, 1), (second.Page, second.PageSize, second.Total, second.Items.Count));
        var listed = first.Items.Concat(second.Items).ToList();
        Assert.Equal(opened.Select(c => c.Id).Order(), listed.Select(v => v.CaseId).Order());
        Assert.Equal(listed.Select(v => v.OpenedAt).OrderDescending(), listed.Select(v => v.OpenedAt));
    }

    [Fact]
    public async Task The_facility_filter_lists_only_that_facilitys_cases()
    {
        var opened = await OpenAsync(Samples.Riverside, Samples.Mesa, Samples.StBrendans, Samples.Mesa);

        var page = await ListAsync(app.ClientFor("analyst", "*"), $"facilityId={Samples.Mesa}&{Window(opened)}");

        Assert.Equal(2, page.Total);
        Assert.All(page.Items, v => Assert.Equal(Samples.Mesa, v.FacilityId));
        Assert.Equal(opened.Where(c => c.FacilityId == Samples.Mesa).Select(c => c.Id).Order(), page.Items.Select(v => v.CaseId).Order());
    }

    [Fact]
    public async Task The_status_filter_matches_new_cases()
    {
        var opened = await OpenAsync(Samples.Riverside, Samples.StBrendans);

        var page = await ListAsync(app.ClientFor("admin", "*"), $"status=new&{Window(opened)}");

        Assert.Equal(2, page.Total);
        Assert.All(page.Items, v => Assert.Equal("new", v.Status));
    }

    [Fact]
    public async Task The_opened_window_includes_createdFrom_and_excludes_createdTo()
    {
        var c = (await OpenAsync(Samples.Riverside)).Single();
        var client = app.ClientFor("admin", "*");

        var exact = await ListAsync(client, $"createdFrom={Instant(c.OpenedAt)}&createdTo={Instant(c.OpenedAt.AddTicks(1))}");
        var endingAtIt = await ListAsync(client, $"createdFrom={Instant(c.OpenedAt.AddHours(-1))}&createdTo={Instant(c.OpenedAt)}");
        var startingAfterIt = await ListAsync(client, $"createdFrom={Instant(c.OpenedAt.AddTicks(1))}&createdTo={Instant(c.OpenedAt.AddHours(1))}");
        // The same instant written with another offset is the same instant.
        var otherOffset = c.OpenedAt.ToOffset(TimeSpan.FromHours(-7));
        var shifted = await ListAsync(client, $"createdFrom={Instant(otherOffset)}&createdTo={Instant(otherOffset.AddTicks(1))}");

        Assert.Equal(c.Id, Assert.Single(exact.Items).CaseId);
        Assert.DoesNotContain(endingAtIt.Items, v => v.CaseId == c.Id);
        Assert.DoesNotContain(startingAfterIt.Items, v => v.CaseId == c.Id);
        Assert.Equal(c.Id, Assert.Single(shifted.Items).CaseId);
    }

    [Fact]
    public async Task Staff_of_one_facility_see_only_its_cases_when_no_facility_is_given()
    {
        var opened = await OpenAsync(Samples.Riverside, Samples.Mesa, Samples.StBrendans);
        var mesa = opened.Single(c => c.FacilityId == Samples.Mesa);

        var page = await ListAsync(app.ClientFor("unit-manager", Samples.Mesa), $"pageSize=100");

        Assert.NotEmpty(page.Items);
        Assert.All(page.Items, v => Assert.Equal(Samples.Mesa, v.FacilityId));
        Assert.Contains(page.Items, v => v.CaseId == mesa.Id);
        Assert.Equal(page.Items.Count, page.Total);
    }

    [Fact]
    public async Task Staff_of_two_facilities_see_both_and_not_the_third()
    {
        var opened = await OpenAsync(Samples.Riverside, Samples.Mesa, Samples.StBrendans);

        var page = await ListAsync(app.ClientFor("department-head", Samples.Riverside, Samples.Mesa), Window(opened));

        Assert.Equal(opened.Where(c => c.FacilityId != Samples.StBrendans).Select(c => c.Id).Order(), page.Items.Select(v => v.CaseId).Order());
    }

    [Fact]
    public async Task Asking_for_another_facility_is_a_403_problem()
    {
        var response = await app.ClientFor("advocate", Samples.Mesa).GetAsync($"/api/v1/cases?facilityId={Samples.Riverside}", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(Ct);
        Assert.Equal(403, problem?.Status);
    }

    [Fact]
    public async Task A_token_whose_role_is_not_a_platform_role_is_403()
    {
        var response = await app.ClientFor("visitor", "*").GetAsync("/api/v1/cases", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_page_beyond_the_last_is_empty_and_still_reports_the_total()
    {
        var opened = await OpenAsync(Samples.Riverside, Samples.Riverside);

        var page = await ListAsync(app.ClientFor("admin", "*"), $"{Window(opened)}&page=50&pageSize=100");

        Assert.Empty(page.Items);
        Assert.Equal((50, 100, 2L), (page.Page, page.PageSize, page.Total));
    }

    [Fact]
    public async Task A_page_number_beyond_the_limit_is_refused_rather_than_wrapping_to_the_first_page()
    {
        var opened = await OpenAsync(Samples.Riverside);

        var response = await app.ClientFor("admin", "*").GetAsync($"/api/v1/cases?{Window(opened)}&page={int.MaxValue}&pageSize=100", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>(Ct);
        Assert.Contains("page", problem!.Errors.Keys);
    }

    public static TheoryData<string, string> InvalidQueries => new()
    {
        { "page=0", "page" },
        { "page=101&pageSize=100", "page" }, // deeper than paging reaches (10,000 rows): narrow the list instead
        { "page=10001&pageSize=1", "page" },
        { "page=-3", "page" },
        { "pageSize=1000", "pageSize" },
        { "pageSize=0", "pageSize" },
        { "createdFrom=2025-06-01T00:00:00Z&createdTo=2025-06-01T00:00:00Z", "createdTo" },
        { "createdFrom=2025-06-02T00:00:00Z&createdTo=2025-06-01T00:00:00Z", "createdTo" },
        { "status=on-fire", "status" },
    };

    [Theory]
    [MemberData(nameof(InvalidQueries))]
    public async Task Invalid_paging_window_or_status_is_a_400_problem_naming_the_field(string query, string field)
    {
        var response = await app.ClientFor("admin", "*").GetAsync($"/api/v1/cases?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct);
        Assert.Contains(field, problem!.Errors.Keys);
    }
}
