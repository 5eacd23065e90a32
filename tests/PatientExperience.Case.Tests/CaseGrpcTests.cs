using Grpc.Core;
using PatientExperience.Contracts.Case.V1;

namespace PatientExperience.Case.Tests;

/// <summary>The case service's gRPC answers to other services, over the in-memory test server.</summary>
public sealed class CaseGrpcTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CaseService.CaseServiceClient Client() => app.GrpcClient();

    private static Metadata Bearer(string role, params string[] facilities) => CaseApp.GrpcBearer(role, facilities);

    [Fact]
    public async Task Another_service_reads_a_case_with_the_callers_token()
    {
        var submitted = Samples.Feedback(Samples.Riverside, "surgery", "pacu", "kiosk", "suggestion");
        var stored = await app.OpenCaseAsync(submitted);
        var c = stored.Document;

        var reply = await Client().GetCaseAsync(new GetCaseRequest { CaseId = c.Id.ToString() }, Bearer("patient-relations", Samples.Riverside), cancellationToken: Ct);

        Assert.Equal(c.Id.ToString(), reply.CaseId);
        Assert.Equal(c.CaseNumber, reply.CaseNumber);
        Assert.Equal(submitted.SubmissionId.ToString(), reply.SubmissionId);
        Assert.Equal(Samples.Riverside, reply.FacilityId);
        Assert.Equal("surgery", reply.DepartmentId);
        Assert.Equal("pacu", reply.UnitId);
        Assert.Equal("kiosk", reply.Channel);
        Assert.Equal("suggestion", reply.Kind);
        Assert.Equal("new", reply.Status);
        Assert.Equal(c.OpenedAt, reply.OpenedAt.ToDateTimeOffset());
        Assert.Equal(1, reply.Version);
    }

    [Fact]
    public async Task A_case_without_department_unit_or_kind_has_them_empty()
    {
        var stored = await app.OpenCaseAsync(Samples.At(Samples.Mesa));

        var reply = await Client().GetCaseAsync(new GetCaseRequest { CaseId = stored.Document.Id.ToString() }, Bearer("admin", "*"), cancellationToken: Ct);

        Assert.Equal((Samples.Mesa, "", "", ""), (reply.FacilityId, reply.DepartmentId, reply.UnitId, reply.Kind));
    }

    [Fact]
    public async Task Outside_the_callers_facilities_unknown_or_without_a_token_the_answer_is_refused()
    {
        var stored = await app.OpenCaseAsync(Samples.Feedback(Samples.Riverside));
        var request = new GetCaseRequest { CaseId = stored.Document.Id.ToString() };

        var elsewhere = await Assert.ThrowsAsync<RpcException>(() => Client().GetCaseAsync(request, Bearer("advocate", Samples.Mesa), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, elsewhere.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client().GetCaseAsync(new GetCaseRequest { CaseId = Guid.NewGuid().ToString() }, Bearer("advocate", "*"), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => Client().GetCaseAsync(request, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        var notStaff = await Assert.ThrowsAsync<RpcException>(() => Client().GetCaseAsync(request, Bearer("visitor", "*"), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notStaff.StatusCode);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    public async Task A_malformed_case_id_is_an_invalid_argument(string caseId)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client().GetCaseAsync(new GetCaseRequest { CaseId = caseId }, Bearer("advocate", "*"), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task The_directory_is_answered_without_a_token()
    {
        var reply = await Client().ListFacilitiesAsync(new ListFacilitiesRequest(), cancellationToken: Ct);

        Assert.Equal(3, reply.Facilities.Count);
        Assert.Equal(
            new Dictionary<string, string> { [Samples.Riverside] = "America/New_York", [Samples.Mesa] = "America/Denver", [Samples.StBrendans] = "Europe/London" },
            reply.Facilities.ToDictionary(f => f.FacilityId, f => f.TimeZone));
        var riverside = reply.Facilities.Single(f => f.FacilityId == Samples.Riverside);
        Assert.Equal("Riverside General Hospital", riverside.Name);
        Assert.Equal(5, riverside.Departments.Count);
        var emergency = riverside.Departments.Single(d => d.DepartmentId == "emergency");
        Assert.Equal("Emergency Department", emergency.Name);
        Assert.Equal(new[] { "ed-adult", "ed-peds" }, emergency.Units.Select(u => u.UnitId));
        Assert.Empty(riverside.Departments.Single(d => d.DepartmentId == "billing").Units);
        Assert.All(reply.Facilities, f => Assert.NotEmpty(f.Departments));
    }
}
