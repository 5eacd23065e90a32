using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Net.Client;
using PatientExperience.Contracts.Intake.V1;
using PatientExperience.Intake.Feedback;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Intake.Tests;

public sealed class GetSubmissionGrpcTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IntakeService.IntakeServiceClient Client() =>
        new(GrpcChannel.ForAddress(app.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = app.Server.CreateHandler() }));

    private static Metadata Bearer(string role, string facility) =>
        new() { { "Authorization", "Bearer " + SymmetricTokenIssuer.Issue(new AuthOptions { SigningKey = IntakeApp.SigningKey }, "grpc-caller", role, [facility], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)) } };

    [Fact]
    public async Task Another_service_reads_a_submission_with_the_callers_token()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(), Ct);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;

        var submission = await Client().GetSubmissionAsync(new GetSubmissionRequest { SubmissionId = id.ToString() }, Bearer("patient-relations", "riverside-general"), cancellationToken: Ct);

        Assert.Equal(id.ToString(), submission.SubmissionId);
        Assert.Equal("riverside-general", submission.FacilityId);
        Assert.Equal("received", submission.Status);
        Assert.Equal(Samples.Mrn, submission.Patient.Mrn);
        Assert.Contains(Samples.StoryMarker, submission.Description);
        Assert.Equal(("ada.q@example.org", "family"), (submission.Submitter.Email, submission.Submitter.Relationship));
    }

    [Fact]
    public async Task Without_a_token_or_outside_the_callers_facilities_the_answer_is_refused()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(), Ct);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;
        var request = new GetSubmissionRequest { SubmissionId = id.ToString() };

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => Client().GetSubmissionAsync(request, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        var elsewhere = await Assert.ThrowsAsync<RpcException>(() => Client().GetSubmissionAsync(request, Bearer("advocate", "mesa-valley"), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, elsewhere.StatusCode);
        var malformed = await Assert.ThrowsAsync<RpcException>(() => Client().GetSubmissionAsync(new GetSubmissionRequest { SubmissionId = "nope" }, Bearer("advocate", "*"), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
    }
}
