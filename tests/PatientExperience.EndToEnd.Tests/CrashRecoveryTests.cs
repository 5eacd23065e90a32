using System.Net.Http.Json;
using System.Text.Json;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>Nothing is lost, and nothing is doubled, when intake dies between storing a submission and publishing its event.</summary>
public sealed class CrashRecoveryTests(PlatformFixture platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killing_intake_between_storing_and_publishing_delivers_the_event_exactly_once_after_restart()
    {
        platform.Require();
        var staff = await platform.StaffClientAsync();

        // Intake that stores and answers 202 but does not publish: the moment between the commit and the publish, held open.
        await platform.Intake!.StopAsync();
        var paused = await platform.StartIntakeAsync(relayPaused: true, Ct);
        var submissionId = await ConcernToCaseTests.SubmitAsync(platform.AnonymousClient(), ConcernToCaseTests.Concern("st-brendans") is var _ ? new
        {
            facilityId = "st-brendans", departmentId = "elderly-care", unitId = "nightingale", channel = "kiosk", kind = "complaint",
            description = "Call bell not answered at night", responseRequested = false,
        } : null!);
        var stored = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/feedback/{submissionId}", Ct);
        Assert.Equal("received", stored.GetProperty("status").GetString());

        paused.Kill(); // a crash: no graceful shutdown, nothing flushed
        await paused.DisposeAsync();

        var restarted = await platform.StartIntakeAsync(relayPaused: false, Ct);
        var caseId = await ConcernToCaseTests.CaseIdOfAsync(staff, submissionId, platform.AllOutput);

        var cases = await staff.GetFromJsonAsync<JsonElement>("/api/v1/cases?facilityId=st-brendans&pageSize=100", Ct);
        var forSubmission = cases.GetProperty("items").EnumerateArray().Where(c => c.GetProperty("submissionId").GetGuid() == submissionId).ToList();
        var only = Assert.Single(forSubmission);
        Assert.Equal(caseId, only.GetProperty("caseId").GetGuid());
        Assert.False(restarted.HasExited);
    }
}
