using System.Net.Http.Json;
using MassTransit.Testing;
using PatientExperience.Contracts.Intake;
using PatientExperience.Intake.Feedback;

namespace PatientExperience.Intake.Tests;

/// <summary>Patient names, contact details, MRNs and the description never appear in logs, traces, metrics or error answers, whatever happens.</summary>
public sealed class PhiLeakTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Phi = [Samples.PatientName, Samples.Mrn, Samples.Email, Samples.Phone, Samples.StoryMarker, "Ada Quartermaine", "ada.q@example.org"];

    [Fact]
    public async Task Nothing_the_patient_told_us_reaches_logs_traces_metrics_or_error_answers()
    {
        // Every measurement of every instrument in the process, as an exporter would see its attributes.
        using var metrics = RecordedMetrics.Everything();

        // Accepted, read back by staff, rejected as invalid, and sent as malformed JSON: every path that touches the text.
        var accepted = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint(), Ct);
        var id = (await accepted.Content.ReadFromJsonAsync<SubmissionAccepted>(Ct))!.SubmissionId;
        await app.PublishedAsync<FeedbackSubmitted>(m => m.SubmissionId == id);
        await app.ClientFor("advocate", "riverside-general").GetStringAsync($"/api/v1/feedback/{id}", Ct);
        var invalid = await app.CreateClient().PostAsJsonAsync("/api/v1/feedback", Samples.Complaint() with { Channel = "pigeon", FacilityId = "nowhere" }, Ct);
        var malformed = await app.CreateClient().PostAsync("/api/v1/feedback",
            new StringContent($$"""{"description": "{{Samples.StoryMarker}} {{Samples.PatientName}}", "patient": {"mrn": 12""", System.Text.Encoding.UTF8, "application/json"), Ct);
        var elsewhere = await app.ClientFor("advocate", "mesa-valley").GetAsync($"/api/v1/feedback/{id}", Ct);

        // The error answers name fields, never their values.
        foreach (var error in new[] { invalid, malformed, elsewhere })
        {
            Assert.False(error.IsSuccessStatusCode);
            var body = await error.Content.ReadAsStringAsync(Ct);
            foreach (var phi in Phi) Assert.DoesNotContain(phi, body, StringComparison.OrdinalIgnoreCase);
        }

        Assert.NotEmpty(metrics.All);
        foreach (var measurement in metrics.All)
        {
            var text = measurement.Instrument + " " + string.Join(" ", measurement.Tags.Select(t => $"{t.Key}={t.Value}"));
            foreach (var phi in Phi) Assert.DoesNotContain(phi, text, StringComparison.OrdinalIgnoreCase);
        }

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
