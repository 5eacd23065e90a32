using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using MassTransit.Testing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Classification;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Survey;
using PatientExperience.ServiceDefaults.Http;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests;

/// <summary>
/// Service recovery: LowSatisfactionDetected from the survey service opens one case per survey response, linked to it,
/// classified as a grievance only when the patient asked for resolution, listed by <c>GET /api/v1/cases?source=survey</c>.
/// </summary>
public sealed class ServiceRecoveryFromSurveyTests(CaseApp app) : IClassFixture<CaseApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static LowSatisfactionDetected Detected(string facilityId = Samples.Riverside, bool contactRequested = false, int? nps = 3,
        IReadOnlyList<string>? criticalItems = null)
    {
        var reasons = new List<LowSatisfactionReason>();
        if (nps is <= 6) reasons.Add(LowSatisfactionReason.NpsDetractor);
        if (criticalItems is { Count: > 0 }) reasons.Add(LowSatisfactionReason.CriticalItem);
        if (contactRequested) reasons.Add(LowSatisfactionReason.ContactRequested);
        return new LowSatisfactionDetected
        {
            ResponseId = Guid.NewGuid(), InvitationId = Guid.NewGuid(), DischargeId = Guid.NewGuid(),
            FacilityId = facilityId, DepartmentId = "medicine", UnitId = "4-west", SurveyId = "inpatient-experience", Language = "en",
            Reasons = reasons, CriticalItems = criticalItems ?? [], Nps = nps, ContactRequested = contactRequested,
            DetectedAt = DateTimeOffset.UtcNow.AddSeconds(-5),
        };
    }

    private async Task<Stored<CaseFile>> OpenAsync(LowSatisfactionDetected detected)
    {
        await app.Harness.Bus.Publish(detected, Ct);
        Stored<CaseFile>? stored = null;
        await Eventually.UntilAsync(async () => (stored = await app.Cases.FindBySurveyResponseAsync(detected.ResponseId, Ct)) is not null,
            $"a case for survey response {detected.ResponseId}");
        return stored!;
    }

    private IReadOnlyList<IReceivedMessage<LowSatisfactionDetected>> ConsumedFor(Guid responseId) =>
        app.Harness.Consumed.Select<LowSatisfactionDetected>(new CancellationToken(canceled: true))
            .Where(m => m.Context.Message.ResponseId == responseId).ToList();

    private static string Classified(CaseFile c) => Assert.Single(c.History, h => h.Action == "classified").Detail!;

    [Fact]
    public async Task A_detractor_response_opens_a_service_recovery_complaint_linked_to_the_response_and_CaseOpened_says_so()
    {
        var detected = Detected(nps: 3);

        var c = (await OpenAsync(detected)).Document;
        var opened = await app.PublishedAsync<CaseOpened>(m => m.CaseId == c.Id);

        Assert.Equal(("survey", detected.ResponseId, detected.DischargeId), (c.Source.ToWire(), c.SurveyResponseId, c.DischargeId));
        Assert.Equal(detected.ResponseId, c.SubmissionId);
        Assert.Equal((Samples.Riverside, "medicine", "4-west", "new"), (c.FacilityId, c.DepartmentId, c.UnitId, c.Status.ToWire()));
        Assert.Equal(("complaint", "medium", "other"), (c.Classification.ToWire(), c.Severity.ToWire(), c.Category));
        Assert.False(c.ResponseRequested);
        Assert.Contains("a detractor score (NPS 3)", Classified(c));
        Assert.Contains("not a grievance under cms-hospital unless the patient asks for resolution", Classified(c));
        Assert.Contains(detected.ResponseId.ToString(), Assert.Single(c.History, h => h.Action == "opened").Detail);

        Assert.Equal(("survey", detected.ResponseId, "complaint"), (opened.Source.ToWire(), opened.SurveyResponseId, opened.Classification.ToWire()));
        Assert.Equal(detected.ResponseId, opened.SubmissionId);
        Assert.Equal(detected.DischargeId, opened.DischargeId);
    }

    [Fact]
    public async Task The_survey_case_acknowledgement_names_the_discharge_so_notification_can_reach_the_patient()
    {
        var detected = Detected(nps: 2);

        var c = (await OpenAsync(detected)).Document;
        var ack = await app.PublishedAsync<SendComplainantMessage>(m => m.CaseId == c.Id && m.Kind == ComplainantMessageKind.Acknowledgement);

        Assert.Equal((detected.DischargeId, detected.ResponseId), (ack.DischargeId, ack.SubmissionId));
        Assert.StartsWith(CaseApp.PublicBaseUrl + "/status/", ack.StatusLink, StringComparison.Ordinal);
        Assert.Single(app.PublishedSoFar<SendComplainantMessage>(), m => m.CaseId == c.Id);
    }

    [Fact]
    public async Task A_request_to_be_contacted_makes_the_survey_case_a_grievance_because_it_asks_for_resolution()
    {
        var c = (await OpenAsync(Detected(contactRequested: true, nps: 8))).Document;

        Assert.Equal(("grievance", "high"), (c.Classification.ToWire(), c.Severity.ToWire()));
        Assert.True(c.ResponseRequested);
        Assert.Contains("Grievance: " + CaseClassifier.SurveyContactRequestedReason, Classified(c));
        Assert.Equal("patient asked to be contacted about the survey: a request for resolution",
            CaseClassifier.SurveyContactRequestedReason["the ".Length..]);
    }

    [Fact]
    public async Task A_bottom_box_answer_on_a_critical_item_alone_is_a_complaint_that_names_the_item()
    {
        var c = (await OpenAsync(Detected(nps: null, criticalItems: ["help-when-asked"]))).Document;

        Assert.Equal("complaint", c.Classification.ToWire());
        Assert.Contains("the lowest answer on critical item help-when-asked", Classified(c));
        Assert.DoesNotContain("NPS", Classified(c));
    }

    [Fact]
    public async Task Under_a_profile_without_a_grievance_track_even_a_request_for_contact_is_a_complaint()
    {
        var c = (await OpenAsync(Detected(Samples.StBrendans, contactRequested: true))).Document;

        Assert.Equal("complaint", c.Classification.ToWire());
        Assert.Contains("the nhs-england profile has no separate grievance process", Classified(c));
    }

    [Fact]
    public async Task The_same_response_delivered_three_times_opens_one_case_and_one_CaseOpened()
    {
        var detected = Detected(contactRequested: true);

        for (var i = 0; i < 3; i++) await app.Harness.Bus.Publish(detected, Ct);

        await AssertOneCaseAfterAllDeliveriesAsync(detected, deliveries: 3);
    }

    [Fact]
    public async Task The_same_response_delivered_eight_times_concurrently_opens_one_case_and_one_CaseOpened()
    {
        var detected = Detected(Samples.Mesa);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.Harness.Bus.Publish(detected, Ct)));

        await AssertOneCaseAfterAllDeliveriesAsync(detected, deliveries: 8);
    }

    private async Task AssertOneCaseAfterAllDeliveriesAsync(LowSatisfactionDetected detected, int deliveries)
    {
        await Eventually.UntilAsync(() => ConsumedFor(detected.ResponseId).Count == deliveries, $"all {deliveries} deliveries to be consumed");
        Assert.All(ConsumedFor(detected.ResponseId), m => Assert.Null(m.Exception));

        var collection = app.Services.GetRequiredKeyedService<IDocumentStore>(CaseModule.ServiceName).Collection<CaseFile>(CaseStore.Definition);
        var stored = await collection.QueryAsync(new DocumentQuery { Filters = [FieldFilter.Eq("surveyResponseId", detected.ResponseId.ToString())] }, Ct);
        var only = Assert.Single(stored.Items).Document;

        // The relay publishes the outbox oldest first: once a later case's CaseOpened is out, every earlier one is too.
        var barrier = await OpenAsync(Detected());
        await app.PublishedAsync<CaseOpened>(m => m.CaseId == barrier.Document.Id);
        var opened = Assert.Single(app.PublishedSoFar<CaseOpened>(), m => m.SurveyResponseId == detected.ResponseId);
        Assert.Equal(only.Id, opened.CaseId);
        Assert.DoesNotContain(app.Logs.AtOrAbove(LogLevel.Warning), l => l.Contains(nameof(LowSatisfactionDetectedConsumer), StringComparison.Ordinal));
    }

    private static string Instant(DateTimeOffset value) => Uri.EscapeDataString(value.ToString("O", CultureInfo.InvariantCulture));

    private static string Window(IReadOnlyCollection<CaseFile> cases) =>
        $"createdFrom={Instant(cases.Min(c => c.OpenedAt))}&createdTo={Instant(cases.Max(c => c.OpenedAt).AddTicks(1))}";

    private async Task<PagedResponse<CaseView>> ListAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/v1/cases?{query}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PagedResponse<CaseView>>(Ct))!;
    }

    /// <summary>A feedback case and a survey case at Riverside, and a survey case at Mesa Valley.</summary>
    private async Task<(CaseFile Feedback, CaseFile RiversideSurvey, CaseFile MesaSurvey)> OpenMixedAsync()
    {
        var feedback = (await app.OpenCaseAsync(Samples.Feedback(Samples.Riverside))).Document;
        var riverside = (await OpenAsync(Detected(Samples.Riverside))).Document;
        var mesa = (await OpenAsync(Detected(Samples.Mesa))).Document;
        return (feedback, riverside, mesa);
    }

    [Fact]
    public async Task The_source_filter_lists_service_recovery_cases_or_feedback_cases_with_their_link()
    {
        var (feedback, riverside, mesa) = await OpenMixedAsync();
        var window = Window([feedback, riverside, mesa]);
        var client = app.ClientFor("patient-relations", "*");

        var surveys = await ListAsync(client, $"source=survey&{window}");
        var concerns = await ListAsync(client, $"source=feedback&{window}");
        var all = await ListAsync(client, window);

        Assert.Equal(new[] { riverside.Id, mesa.Id }.Order(), surveys.Items.Select(v => v.CaseId).Order());
        Assert.All(surveys.Items, v => Assert.Equal("survey", v.Source));
        Assert.Equal(riverside.SurveyResponseId, surveys.Items.Single(v => v.CaseId == riverside.Id).SurveyResponseId);
        Assert.Equal(riverside.DischargeId, surveys.Items.Single(v => v.CaseId == riverside.Id).DischargeId);
        var concern = Assert.Single(concerns.Items);
        Assert.Equal((feedback.Id, "feedback", (Guid?)null), (concern.CaseId, concern.Source, concern.SurveyResponseId));
        Assert.Equal(3, all.Total);
    }

    [Fact]
    public async Task A_case_stored_before_the_source_field_existed_is_listed_as_feedback_and_never_as_survey()
    {
        var (feedback, riverside, mesa) = await OpenMixedAsync();
        // A copy of the feedback case as an older version of the service stored it: without the field at all. Inserted beside
        // it under its own ids, so no consumer of the original's events races the write.
        var raw = app.Services.GetRequiredKeyedService<IDocumentStore>(CaseModule.ServiceName).Collection<System.Text.Json.Nodes.JsonObject>(CaseStore.Definition);
        var legacy = (System.Text.Json.Nodes.JsonObject)(await raw.GetAsync(feedback.Id.ToString(), Ct))!.Document.DeepClone();
        Assert.True(legacy.Remove("source"));
        var legacyId = Guid.NewGuid();
        legacy["id"] = legacyId.ToString();
        legacy["submissionId"] = Guid.NewGuid().ToString();
        legacy["caseNumber"] = feedback.CaseNumber + "-OLD";
        await raw.InsertAsync(legacyId.ToString(), legacy, [], Ct);
        var window = Window([feedback, riverside, mesa]);
        var client = app.ClientFor("patient-relations", "*");

        var concerns = await ListAsync(client, $"source=feedback&{window}");
        var surveys = await ListAsync(client, $"source=survey&{window}");

        Assert.Equal(new[] { feedback.Id, legacyId }.Order(), concerns.Items.Select(v => v.CaseId).Order());
        Assert.All(concerns.Items, v => Assert.Equal("feedback", v.Source));
        Assert.Equal(new[] { riverside.Id, mesa.Id }.Order(), surveys.Items.Select(v => v.CaseId).Order());
    }

    [Fact]
    public async Task The_source_filter_is_scoped_to_the_callers_facilities()
    {
        var (feedback, riverside, mesa) = await OpenMixedAsync();
        var window = Window([feedback, riverside, mesa]);
        var client = app.ClientFor("patient-relations", Samples.Riverside);

        var mine = await ListAsync(client, $"source=survey&{window}");
        var other = await client.GetAsync($"/api/v1/cases?source=survey&facilityId={Samples.Mesa}&{window}", Ct);

        Assert.Equal(riverside.Id, Assert.Single(mine.Items).CaseId);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task An_unknown_source_is_a_400_naming_the_allowed_values()
    {
        var response = await app.ClientFor("patient-relations", "*").GetAsync("/api/v1/cases?source=Survey", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct);
        Assert.Equal("Must be one of: feedback, survey.", Assert.Single(problem!.Errors["source"]));
    }
}

/// <summary>A service-recovery case escalates like any case: CaseOpened starts its saga, and a missed deadline moves it up.</summary>
public sealed class ServiceRecoveryEscalationTests : IAsyncLifetime
{
    private readonly EscalationApp _app = new();

    public async ValueTask InitializeAsync() => await _app.UsePolicyInSecondsAsync(Samples.Riverside);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_service_recovery_case_starts_its_escalation_at_the_unit_and_escalates_when_nobody_acknowledges()
    {
        var detected = ServiceRecoveryFromSurveyTests.Detected();

        await _app.Harness.Bus.Publish(detected, TestContext.Current.CancellationToken);
        Stored<CaseFile>? stored = null;
        await Eventually.UntilAsync(async () => (stored = await _app.Cases.FindBySurveyResponseAsync(detected.ResponseId, TestContext.Current.CancellationToken))
            is { Document.EscalationSequence: > 0 }, "the service-recovery case to open and start escalating");
        var id = stored!.Document.Id;

        var start = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == id);
        Assert.Equal(("unit", "opened"), (start.ToLevel.ToWire(), start.Reason.ToWire()));
        Assert.Equal("acknowledge", stored.Document.NextDeadlineKind.ToWire());

        await _app.AdvanceUntilAsync(TimeSpan.FromSeconds(5), id, c => c.EscalationLevel.ToWire() == "department", "escalation to the department level");
        var up = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.ToLevel.ToWire() == "department");
        Assert.Equal("deadline-missed", up.Reason.ToWire());
    }
}
