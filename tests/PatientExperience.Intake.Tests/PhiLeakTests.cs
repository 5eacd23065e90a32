using System.Net.Http.Json;
using MassTransit.Testing;
using PatientExperience.Contracts.Intake;
using PatientExperience.Intake.Feedback;

namespace PatientExperience.Intake.Tests;

/// <summary>Patient names, contact details, MRNs and the description never appear in logs or traces, whatever happens.</summary>
public sealed class PhiLeakTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Phi = [Samples.PatientName, Samples.Mrn, Samples.Email, Samples.Phone, Samples.StoryMarker, "Ada Quartermaine", "ada.q@example.org"];

    [Fact]
    public async Task Nothing_the_patient_told_us_reaches_logs_or_traces()
    {
        // Accepted, read back by staff, rejected as invalid, and sent as malformed JSON: every path that touches the text.
        var accepted = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(), Ct);
        var id = (await accepted.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;
        await app.PublishedAsync<FeedbackSubmitted>(m => m.SubmissionId == id);
        await app.ClientFor("advocate", "riverside-general").GetStringAsync($"/api/v1/feedback/{id}", Ct);
        await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint() with { Channel = "pigeon", FacilityId = "nowhere" }, Ct);
        await app.CreateClient().PostAsync("/api/v1/feedback",
            new StringContent($$"""{"description": "{{Samples.StoryMarker}} {{Samples.PatientName}}", "patient": {"mrn": 12""", System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.NotEmpty(app.Logs.Messages);
        Assert.NotEmpty(app.Activities);
        foreach (var line in app.Logs.Messages)
        {
            foreach (var phi in Phi) Assert.DoesNotContain(phi, line, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var activity in app.Activities)
        {
            var text = string.Join(" | ", new[] { activity.DisplayName, activity.OperationName, activity.StatusDescription ?? "" }
                .Concat(activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))
                .Concat(activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")))
                .Concat(activity.Baggage.Select(b => $"{b.Key}={b.Value}")));
            foreach (var phi in Phi) Assert.DoesNotContain(phi, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
