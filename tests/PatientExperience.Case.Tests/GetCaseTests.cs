using System.Net;
using System.Net.Http.Json;
using PatientExperience.Case.Cases;

namespace PatientExperience.Case.Tests;

/// <summary>GET /api/v1/cases/{id}: staff only, scoped to the facilities in the caller's token, versioned by ETag.</summary>
public sealed class GetCaseTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_a_token_the_answer_is_401()
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback(Samples.Riverside));

        var response = await app.CreateClient().GetAsync($"/api/v1/cases/{stored.Document.Id}", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Staff_of_another_facility_get_404_so_the_case_is_not_disclosed()
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback(Samples.Riverside));

        var response = await app.ClientFor("advocate", Samples.Mesa).GetAsync($"/api/v1/cases/{stored.Document.Id}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_case_is_404()
    {
        var response = await app.ClientFor("admin", "*").GetAsync($"/api/v1/cases/{Guid.NewGuid()}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("patient-relations", Samples.Riverside)]
    [InlineData("executive", "*")]
    public async Task Staff_of_the_facility_or_of_every_facility_read_the_case_with_its_version_as_ETag(string role, string facility)
    {
        var submitted = Samples.Feedback(Samples.Riverside, "maternity", "postpartum", "letter", "grievance");
        var stored = await app.OpenCaseAsync(submitted);
        var c = stored.Document;

        var response = await app.ClientFor(role, facility).GetAsync($"/api/v1/cases/{c.Id}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var view = await response.Content.ReadFromJsonAsync<CaseView>(Ct);
        Assert.NotNull(view);
        Assert.Equal(c.Id, view.CaseId);
        Assert.Equal(c.CaseNumber, view.CaseNumber);
        Assert.Equal(submitted.SubmissionId, view.SubmissionId);
        Assert.Equal(Samples.Riverside, view.FacilityId);
        Assert.Equal("maternity", view.DepartmentId);
        Assert.Equal("postpartum", view.UnitId);
        Assert.Equal("letter", view.Channel);
        Assert.Equal("grievance", view.Kind);
        Assert.Equal("new", view.Status);
        Assert.Equal(c.OpenedAt, view.OpenedAt);
        Assert.Equal(1, view.Version);
        Assert.Equal(["opened", "classified"], view.History.Select(h => h.Action));
        Assert.Equal(("grievance", "high"), (view.Classification, view.Severity));
    }

    [Fact]
    public async Task A_token_whose_role_is_not_a_platform_role_is_403()
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback(Samples.Riverside));

        var response = await app.ClientFor("visitor", "*").GetAsync($"/api/v1/cases/{stored.Document.Id}", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
