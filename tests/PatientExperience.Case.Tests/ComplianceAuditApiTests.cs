using System.Net;
using System.Net.Http.Json;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Case.Tests;

/// <summary>The compliance API over the case service's audit chain: who read a case, allowed or refused, and whether the chain holds.</summary>
public sealed class ComplianceAuditApiTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Guid> CaseWithANoteAsync()
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{stored.Document.Id}/notes") { Content = JsonContent.Create(new { text = "Spoke with the son" }) };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{stored.Version}\"");
        Assert.True((await app.ClientFor("patient-relations", Samples.Riverside).SendAsync(request, Ct)).IsSuccessStatusCode);
        return stored.Document.Id;
    }

    [Fact]
    public async Task A_compliance_officer_sees_who_changed_and_read_a_case_and_who_was_refused()
    {
        var id = await CaseWithANoteAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.ClientFor("advocate", Samples.Riverside).GetAsync($"/api/v1/cases/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.ClientFor("advocate", "mesa-valley").GetAsync($"/api/v1/cases/{id}", Ct)).StatusCode);

        var page = await app.ClientFor("compliance", Samples.Riverside).GetFromJsonAsync<PagedResponse<PhiAuditEntry>>($"/api/v1/audit?caseId={id}", Ct);

        Assert.Equal([(AuditOutcome.Allowed, "case.add-note"), (AuditOutcome.Allowed, "case.read"), (AuditOutcome.Denied, "case.read")], page!.Items.Select(e => (e.Outcome, e.Action)));
        Assert.All(page.Items, e => Assert.Equal(id, e.SubjectId));
        Assert.Equal("test-advocate", page.Items[2].Actor);
    }

    [Fact]
    public async Task The_chain_verifies_for_a_compliance_officer_of_every_facility()
    {
        await CaseWithANoteAsync();

        var verification = await app.ClientFor("compliance", "*").GetFromJsonAsync<AuditVerification>("/api/v1/audit/verify", Ct);

        Assert.True(verification!.Valid, verification.Reason);
        Assert.True(verification.Entries >= 0);
    }

    [Theory]
    [InlineData("patient-relations", "*", "/api/v1/audit")]
    [InlineData("analyst", "*", "/api/v1/audit")]
    [InlineData("compliance", Samples.Riverside, "/api/v1/audit/verify")]
    public async Task Only_compliance_and_administrators_read_the_audit_and_only_across_every_facility_verify_it(string role, string facility, string path)
    {
        var response = await app.ClientFor(role, facility).GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_malformed_case_id_is_a_problem_naming_the_parameter()
    {
        var response = await app.ClientFor("compliance", "*").GetAsync("/api/v1/audit?caseId=not-a-uuid", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("caseId", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
