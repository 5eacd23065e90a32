using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;

namespace PatientExperience.Case.Tests;

/// <summary>Concern to case: one case per submission, however often FeedbackSubmitted arrives, announced once through the outbox.</summary>
public sealed partial class OpenCaseFromFeedbackTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"^PX-\d{6}-[0-9A-F]{8}$")]
    private static partial Regex CaseNumberFormat();

    [Fact]
    public async Task A_submission_opens_one_new_case_with_its_place_channel_and_kind_and_CaseOpened_is_published()
    {
        var submitted = Samples.Feedback(Samples.Riverside, "emergency", "ed-adult", "web", "complaint");

        await app.Harness.Bus.Publish(submitted, Ct);
        var opened = await app.PublishedAsync<CaseOpened>(m => m.SubmissionId == submitted.SubmissionId);

        Assert.Equal(1, await app.CaseCountForAsync(submitted.SubmissionId));
        var stored = await app.Cases.FindBySubmissionAsync(submitted.SubmissionId, Ct);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        var c = stored.Document;
        Assert.Equal(stored.Id, c.Id.ToString());
        Assert.Equal("new", c.Status.ToWire());
        Assert.Equal(submitted.SubmissionId, c.SubmissionId);
        Assert.Equal(Samples.Riverside, c.FacilityId);
        Assert.Equal("emergency", c.DepartmentId);
        Assert.Equal("ed-adult", c.UnitId);
        Assert.Equal("web", c.Channel.ToWire());
        Assert.Equal("complaint", c.Kind.ToWire());
        Assert.Equal(submitted.SubmittedAt, c.SubmittedAt);

        Assert.Matches(CaseNumberFormat(), c.CaseNumber);
        var localOpened = TimeZoneInfo.ConvertTime(c.OpenedAt, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        Assert.Equal($"PX-{localOpened:yyMMdd}-{c.Id.ToString("N")[^8..].ToUpperInvariant()}", c.CaseNumber);

        Assert.Equal(["opened", "classified"], c.History.Select(h => h.Action));
        var history = c.History[0];
        Assert.Equal("opened", history.Action);
        Assert.Equal("system", history.Actor);
        Assert.Equal(c.OpenedAt, history.At);

        Assert.Equal(c.Id, opened.CaseId);
        Assert.Equal(c.CaseNumber, opened.CaseNumber);
        Assert.Equal(Samples.Riverside, opened.FacilityId);
        Assert.Equal("emergency", opened.DepartmentId);
        Assert.Equal("ed-adult", opened.UnitId);
        Assert.Equal("web", opened.Channel.ToWire());
        Assert.Equal("complaint", opened.Kind.ToWire());
        Assert.Equal("new", opened.Status.ToWire());
        Assert.Equal(c.OpenedAt, opened.OpenedAt);
    }

    [Fact]
    public async Task A_submission_without_department_unit_or_kind_opens_a_case_with_them_empty()
    {
        var submitted = Samples.At(Samples.StBrendans);

        await app.Harness.Bus.Publish(submitted, Ct);
        var opened = await app.PublishedAsync<CaseOpened>(m => m.SubmissionId == submitted.SubmissionId);

        var c = (await app.Cases.GetAsync(opened.CaseId, Ct))!.Document;
        Assert.Equal(Samples.StBrendans, c.FacilityId);
        Assert.Null(c.DepartmentId);
        Assert.Null(c.UnitId);
        Assert.Null(c.Kind);
        Assert.Equal("phone", c.Channel.ToWire());
        Assert.Null(opened.DepartmentId);
        Assert.Null(opened.UnitId);
        Assert.Null(opened.Kind);
    }

    [Fact]
    public async Task The_same_submission_delivered_three_times_opens_one_case_and_one_CaseOpened()
    {
        var submitted = Samples.Feedback();

        for (var i = 0; i < 3; i++) await app.Harness.Bus.Publish(submitted, Ct);

        await AssertOneCaseAndOneEventAfterAllDeliveriesAsync(submitted, deliveries: 3);
    }

    [Fact]
    public async Task The_same_submission_delivered_eight_times_concurrently_opens_one_case_and_one_CaseOpened()
    {
        var submitted = Samples.Feedback(Samples.Mesa, "cardiology", "cvicu", "email", "grievance");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.Harness.Bus.Publish(submitted, Ct)));

        await AssertOneCaseAndOneEventAfterAllDeliveriesAsync(submitted, deliveries: 8);
    }

    private async Task AssertOneCaseAndOneEventAfterAllDeliveriesAsync(FeedbackSubmitted submitted, int deliveries)
    {
        // Every delivery has its own message id, so the harness records each one once it has been consumed.
        await Eventually.UntilAsync(() => app.ConsumedFor(submitted.SubmissionId).Count == deliveries, $"all {deliveries} deliveries to be consumed");
        var consumed = app.ConsumedFor(submitted.SubmissionId);
        Assert.All(consumed, m => Assert.Null(m.Exception));

        Assert.Equal(1, await app.CaseCountForAsync(submitted.SubmissionId));

        // The relay publishes the outbox oldest first: once a later case's CaseOpened is out, every earlier one is too.
        var barrier = Samples.Feedback();
        await app.Harness.Bus.Publish(barrier, Ct);
        await app.PublishedAsync<CaseOpened>(m => m.SubmissionId == barrier.SubmissionId);

        var opened = Assert.Single(app.PublishedSoFar<CaseOpened>(), m => m.SubmissionId == submitted.SubmissionId);
        var stored = await app.Cases.FindBySubmissionAsync(submitted.SubmissionId, Ct);
        Assert.Equal(stored!.Document.Id, opened.CaseId);
        Assert.Empty(app.Logs.AtOrAbove(LogLevel.Warning));
    }
}
