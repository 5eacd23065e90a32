using Grpc.Core;
using PatientExperience.Contracts.Case.V1;

namespace PatientExperience.Case.Tests;

/// <summary>gRPC ResolveRecipients: who holds an escalation level for a case or a place, for other services.</summary>
public sealed class EscalationChainGrpcTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CaseService.CaseServiceClient Client() => app.GrpcClient();

    private static Metadata Bearer(string role, params string[] facilities) => CaseApp.GrpcBearer(role, facilities);

    [Fact]
    public async Task The_holders_of_a_level_are_resolved_for_a_case()
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback(Samples.Riverside, "medicine", "4-west"));

        var unit = await Client().ResolveRecipientsAsync(new ResolveRecipientsRequest { CaseId = stored.Document.Id.ToString(), Level = "unit" }, Bearer("advocate", Samples.Riverside), cancellationToken: Ct);
        var executive = await Client().ResolveRecipientsAsync(new ResolveRecipientsRequest { CaseId = stored.Document.Id.ToString(), Level = "executive" }, Bearer("advocate", Samples.Riverside), cancellationToken: Ct);

        Assert.Equal((Samples.Riverside, "medicine", "4-west", "unit"), (unit.FacilityId, unit.DepartmentId, unit.UnitId, unit.Level));
        var manager = Assert.Single(unit.Recipients);
        Assert.Equal(("rg-4-west-manager", "unit-manager", "America/New_York"), (manager.PersonId, manager.Role, manager.TimeZone));
        Assert.EndsWith("@example.org", manager.Email, StringComparison.Ordinal);
        Assert.StartsWith("+1-555-01", manager.Phone, StringComparison.Ordinal);
        Assert.Equal(["rg-aod", "rg-cno", "rg-coo"], executive.Recipients.Select(r => r.PersonId));
        Assert.All(executive.Recipients, r => Assert.Equal("executive", r.Role));
    }

    [Fact]
    public async Task A_case_without_department_or_unit_reaches_the_executives_at_level_unit()
    {
        var stored = await app.OpenCaseAsync(Samples.At(Samples.StBrendans));

        var reply = await Client().ResolveRecipientsAsync(new ResolveRecipientsRequest { CaseId = stored.Document.Id.ToString(), Level = "unit" }, Bearer("admin", "*"), cancellationToken: Ct);

        Assert.Equal(("", ""), (reply.DepartmentId, reply.UnitId));
        Assert.Equal(["sb-aod", "sb-cno", "sb-coo"], reply.Recipients.Select(r => r.PersonId));
        Assert.All(reply.Recipients, r => Assert.StartsWith("+44 20 7946", r.Phone, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_holders_of_a_level_are_resolved_for_a_place()
    {
        var reply = await Client().ResolveRecipientsAsync(
            new ResolveRecipientsRequest { FacilityId = Samples.Mesa, UnitId = "cvicu", Level = "department" }, Bearer("executive", Samples.Mesa), cancellationToken: Ct);

        Assert.Equal(("cardiology", "cvicu"), (reply.DepartmentId, reply.UnitId));
        var head = Assert.Single(reply.Recipients);
        Assert.Equal(("mv-cardiology-head", "department-head"), (head.PersonId, head.Role));
        Assert.NotEmpty(head.Pager);
    }

    [Fact]
    public async Task A_department_without_units_reaches_its_head_at_level_unit()
    {
        var reply = await Client().ResolveRecipientsAsync(
            new ResolveRecipientsRequest { FacilityId = Samples.Riverside, DepartmentId = "billing", Level = "unit" }, Bearer("patient-relations", Samples.Riverside), cancellationToken: Ct);

        Assert.Equal(("rg-billing-head", "department-head"), (reply.Recipients.Single().PersonId, reply.Recipients.Single().Role));
    }

    [Fact]
    public async Task A_case_of_another_facility_is_not_found_and_another_facility_is_refused()
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback(Samples.Riverside));

        var elsewhere = await Assert.ThrowsAsync<RpcException>(() => Client().ResolveRecipientsAsync(
            new ResolveRecipientsRequest { CaseId = stored.Document.Id.ToString(), Level = "unit" }, Bearer("advocate", Samples.Mesa), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, elsewhere.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client().ResolveRecipientsAsync(
            new ResolveRecipientsRequest { CaseId = Guid.NewGuid().ToString(), Level = "unit" }, Bearer("advocate", "*"), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        var facility = await Assert.ThrowsAsync<RpcException>(() => Client().ResolveRecipientsAsync(
            new ResolveRecipientsRequest { FacilityId = Samples.Riverside, Level = "unit" }, Bearer("advocate", Samples.Mesa), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, facility.StatusCode);
        var noFacility = await Assert.ThrowsAsync<RpcException>(() => Client().ResolveRecipientsAsync(
            new ResolveRecipientsRequest { FacilityId = "no-such-facility", Level = "unit" }, Bearer("advocate", "*"), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, noFacility.StatusCode);
    }

    [Fact]
    public async Task Without_a_staff_token_the_call_is_refused()
    {
        var request = new ResolveRecipientsRequest { FacilityId = Samples.Riverside, Level = "unit" };

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => Client().ResolveRecipientsAsync(request, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        var notStaff = await Assert.ThrowsAsync<RpcException>(() => Client().ResolveRecipientsAsync(request, Bearer("visitor", "*"), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notStaff.StatusCode);
    }

    [Theory]
    [InlineData("not-a-uuid", "", "unit")]
    [InlineData("", "", "unit")]
    [InlineData("", "riverside-general", "")]
    [InlineData("", "riverside-general", "board")]
    [InlineData("", "riverside-general", "Unit")]
    [InlineData("0190c3c4-3f4e-7000-8000-000000000001", "riverside-general", "unit")]
    public async Task A_request_without_exactly_one_target_or_with_an_unknown_level_is_an_invalid_argument(string caseId, string facilityId, string level)
    {
        var request = new ResolveRecipientsRequest { CaseId = caseId, FacilityId = facilityId, Level = level };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client().ResolveRecipientsAsync(request, Bearer("advocate", "*"), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }
}
