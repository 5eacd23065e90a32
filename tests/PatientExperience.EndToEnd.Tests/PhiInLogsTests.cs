using System.Net.Http.Json;

namespace PatientExperience.EndToEnd.Tests;

/// <summary>What every process wrote, across the whole flow, holds no patient name, contact details, MRN or description text.</summary>
public sealed class PhiInLogsTests(PlatformFixture platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_process_logs_the_patients_details_or_story()
    {
        platform.Require();
        var staff = await platform.StaffClientAsync();
        var submissionId = await ConcernToCaseTests.SubmitAsync(platform.AnonymousClient(), ConcernToCaseTests.Concern(), diagnostics: platform.AllOutput);
        await ConcernToCaseTests.CaseIdOfAsync(staff, submissionId, platform.AllOutput);
        await staff.GetStringAsync($"/api/v1/feedback/{submissionId}", Ct); // a PHI read, audited
        await platform.AnonymousClient().PostAsJsonAsync("/api/v1/feedback", new { facilityId = "nowhere", description = ConcernToCaseTests.StoryMarker, patient = new { name = ConcernToCaseTests.PatientName } }, Ct);

        foreach (var process in platform.Processes)
        {
            Assert.NotEmpty(process.Lines);
            foreach (var phi in new[] { ConcernToCaseTests.PatientName, ConcernToCaseTests.Mrn, ConcernToCaseTests.Email, ConcernToCaseTests.StoryMarker })
                Assert.DoesNotContain(phi, process.Output, StringComparison.OrdinalIgnoreCase);
        }
    }
}
