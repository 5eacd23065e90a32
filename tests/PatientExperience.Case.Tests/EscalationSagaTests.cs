using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Escalation;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Messaging.Scheduling;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests;

/// <summary>
/// The escalation saga on a clock the test moves, with a facility policy in seconds (acknowledge 5 s at each level, interim
/// notice 30 s, response 60 s): every deadline missed, acknowledgement in time, resolution mid-level, critical start, manual
/// escalation, reopening, duplicate and out-of-order events.
/// </summary>
public sealed class EscalationSagaTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);
    private readonly EscalationApp _app = new();

    public async ValueTask InitializeAsync() => await _app.UsePolicyInSecondsAsync(Samples.Riverside);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>A complaint by phone, no response asked, no safety concern: medium severity, starts at the unit level.</summary>
    private static FeedbackSubmitted Complaint() => Samples.Feedback(channel: "phone") with { ResponseRequested = false };

    private static async Task<HttpResponseMessage> ActAsync(HttpClient client, Guid id, string action, long version, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{id}/{action}") { Content = JsonContent.Create(body ?? new { }) };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        return await client.SendAsync(request, Ct);
    }

    private async Task<long> ActOkAsync(Guid id, string action, object? body = null)
    {
        var current = (await _app.Cases.GetAsync(id, Ct))!;
        var response = await ActAsync(_app.ClientFor("patient-relations", Samples.Riverside), id, action, current.Version, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return (await _app.Cases.GetAsync(id, Ct))!.Version;
    }

    private IReadOnlyList<CaseEscalated> EscalationsOf(Guid id) => _app.Published<CaseEscalated>().Where(e => e.CaseId == id).ToList();

    private IReadOnlyList<SlaBreached> BreachesOf(Guid id) => _app.Published<SlaBreached>().Where(e => e.CaseId == id).ToList();

    private async Task<long> PendingTimersAsync() =>
        await _app.Services.GetRequiredKeyedService<IDocumentStore>(CaseModule.ServiceName).Collection<object>(ScheduledMessages.Definition).CountAsync(Ct);

    [Fact]
    public async Task Missed_acknowledgement_deadlines_escalate_unit_then_department_then_executive()
    {
        var opened = await _app.OpenAsync(Complaint());
        var id = opened.Document.Id;
        var start = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == id);
        Assert.Equal(("unit", "opened"), (start.ToLevel.ToWire(), start.Reason.ToWire()));
        Assert.NotEmpty(start.Recipients);
        Assert.Equal("acknowledge", opened.Document.NextDeadlineKind.ToWire());

        var atDepartment = await _app.AdvanceUntilAsync(Step, id, c => c.EscalationLevel.ToWire() == "department", "escalation to the department level");
        var toDepartment = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.ToLevel.ToWire() == "department");
        Assert.Equal(("unit", "deadline-missed"), (toDepartment.FromLevel.ToWire(), toDepartment.Reason.ToWire()));
        Assert.Contains(toDepartment.Recipients, r => r.Role == "department-head");
        Assert.Contains(BreachesOf(id), b => b.Level.ToWire() == "unit" && b.Deadline.ToWire() == "acknowledge");
        Assert.Equal("breached", atDepartment.SlaState.ToWire());
        Assert.Contains(atDepartment.History, h => h.Action == "sla-breached");

        await _app.AdvanceUntilAsync(Step, id, c => c.EscalationLevel.ToWire() == "executive", "escalation to the executive level");
        var toExecutive = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.ToLevel.ToWire() == "executive");
        Assert.Equal("department", toExecutive.FromLevel.ToWire());
        Assert.Contains(toExecutive.Recipients, r => r.Role == "executive");

        // At the top there is no one higher: the missed deadline is reported, the level stays.
        _app.Clock.Advance(Step);
        await _app.PublishedAsync<SlaBreached>(b => b.CaseId == id && b.Level.ToWire() == "executive");
        Assert.Equal(3, EscalationsOf(id).Count);
        Assert.Equal("executive", (await _app.CaseAsync(id)).EscalationLevel.ToWire());
    }

    [Fact]
    public async Task A_case_acknowledged_before_its_deadline_does_not_escalate()
    {
        var id = (await _app.OpenAsync(Complaint())).Document.Id;
        _app.Clock.Advance(TimeSpan.FromSeconds(2));
        await ActOkAsync(id, "acknowledge");
        await Eventually.UntilAsync(async () => (await _app.CaseAsync(id)).NextDeadlineKind.ToWire() == "interim-notice", "the acknowledgement clock to stop");

        // Well past the acknowledgement deadline, up to the interim notice: that one still falls due.
        _app.Clock.Advance(TimeSpan.FromSeconds(30));
        await _app.PublishedAsync<InterimNoticeDue>(e => e.CaseId == id);

        Assert.Empty(BreachesOf(id));
        Assert.Single(EscalationsOf(id));
        var c = await _app.CaseAsync(id);
        Assert.Equal(("unit", "on-track"), (c.EscalationLevel.ToWire(), c.SlaState.ToWire()));
    }

    [Fact]
    public async Task Resolving_mid_level_ends_the_escalation_and_cancels_its_timers()
    {
        var id = (await _app.OpenAsync(Complaint())).Document.Id;
        Assert.Equal(3, await PendingTimersAsync()); // acknowledge, interim notice, response

        await ActOkAsync(id, "resolve");
        await Eventually.UntilAsync(async () => (await _app.CaseAsync(id)).SlaState.ToWire() == "met", "the escalation to end");
        Assert.Equal(0, await PendingTimersAsync());
        var sagas = _app.Services.GetRequiredService<SagaDocumentCollection<EscalationState>>();
        Assert.Null(await sagas.LoadAsync(id, Ct));

        _app.Clock.Advance(TimeSpan.FromSeconds(120));
        Assert.Empty(BreachesOf(id));
        Assert.Single(EscalationsOf(id));
    }

    [Fact]
    public async Task A_critical_case_logged_by_staff_starts_at_the_executive_level_and_tells_compliance()
    {
        var critical = Complaint() with { Indicators = ["neglect"], SubmittedBy = SubmissionOrigin.Staff };
        var opened = await _app.OpenAsync(critical);
        Assert.Equal("critical", opened.Document.Severity.ToWire());

        var start = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == opened.Document.Id);
        Assert.Equal(("executive", "critical-severity"), (start.ToLevel.ToWire(), start.Reason.ToWire()));
        Assert.Contains(start.Recipients, r => r.Role == "executive");
        Assert.Contains(start.Recipients, r => r.Role == "compliance");
        Assert.Equal("executive", (await _app.CaseAsync(opened.Document.Id)).EscalationLevel.ToWire());
    }

    [Fact]
    public async Task An_anonymous_critical_concern_goes_to_the_facilitys_triage_until_staff_confirm_it()
    {
        var opened = await _app.OpenAsync(Complaint() with { Indicators = ["abuse"] });
        var id = opened.Document.Id;
        Assert.Equal(("critical", "anonymous"), (opened.Document.Severity.ToWire(), opened.Document.SubmittedBy.ToWire()));

        var triage = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == id);
        Assert.Equal(("unit", "critical-triage"), (triage.ToLevel.ToWire(), triage.Reason.ToWire()));
        // The demo health system's patient-relations lead and compliance contact of Riverside; no executive.
        Assert.Contains(triage.Recipients, r => r.Role == "patient-relations");
        Assert.Contains(triage.Recipients, r => r.Role == "compliance");
        Assert.DoesNotContain(triage.Recipients, r => r.Role == "executive");
        Assert.True((await _app.CaseAsync(id)).AwaitingTriage);

        // A unit manager may not confirm; patient relations may, once.
        var current = (await _app.Cases.GetAsync(id, Ct))!;
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(_app.ClientFor("unit-manager", Samples.Riverside), id, "confirm-critical", current.Version)).StatusCode);
        await ActOkAsync(id, "confirm-critical");

        var confirmed = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.ToLevel.ToWire() == "executive");
        Assert.Equal("critical-severity", confirmed.Reason.ToWire());
        Assert.Contains(confirmed.Recipients, r => r.Role == "executive");
        Assert.Contains(confirmed.Recipients, r => r.Role == "compliance");
        var atExecutive = await Eventually.MatchAsync(() => _app.CaseAsync(id), c => c.EscalationLevel.ToWire() == "executive", "the case at the executive level");
        Assert.False(atExecutive.AwaitingTriage);
        Assert.Contains(atExecutive.History, h => h.Action == "critical-confirmed");

        current = (await _app.Cases.GetAsync(id, Ct))!;
        Assert.Equal(HttpStatusCode.Conflict, (await ActAsync(_app.ClientFor("patient-relations", Samples.Riverside), id, "confirm-critical", current.Version)).StatusCode);
    }

    [Fact]
    public async Task An_anonymous_critical_concerns_triage_reaches_exactly_who_the_rota_has_on_duty_and_the_compliance_contact()
    {
        // The demo rota of Riverside (New York): Grace Castillo by day (07:00-19:00), Imani Okoro by night.
        var local = TimeZoneInfo.ConvertTime(_app.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        var (onDuty, offDuty) = local.Hour is >= 7 and < 19
            ? ("rg-patient-relations", "rg-patient-relations-night")
            : ("rg-patient-relations-night", "rg-patient-relations");

        var opened = await _app.OpenAsync(Complaint() with { Indicators = ["harm"] });

        var triage = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == opened.Document.Id);
        Assert.Equal(EscalationReason.CriticalTriage, triage.Reason);
        Assert.Equal([onDuty, "rg-compliance"], triage.Recipients.Select(r => r.PersonId));
        Assert.Equal(["patient-relations", "compliance"], triage.Recipients.Select(r => r.Role));
        Assert.DoesNotContain(triage.Recipients, r => r.PersonId == offDuty);
    }

    [Fact]
    public async Task Only_a_critical_case_awaiting_triage_can_be_confirmed_and_a_refusal_changes_nothing()
    {
        var id = (await _app.OpenAsync(Complaint())).Document.Id;
        var before = (await _app.Cases.GetAsync(id, Ct))!;

        var response = await ActAsync(_app.ClientFor("patient-relations", Samples.Riverside), id, "confirm-critical", before.Version);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before.Version, (await _app.Cases.GetAsync(id, Ct))!.Version);
    }

    [Fact]
    public async Task Staff_escalate_by_hand_and_the_next_level_gets_its_own_clock()
    {
        var id = (await _app.OpenAsync(Complaint())).Document.Id;
        _app.Clock.Advance(TimeSpan.FromSeconds(3));
        await ActOkAsync(id, "escalate", new { reason = "The family is in the lobby asking for a manager" });

        var manual = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.Reason.ToWire() == "manual");
        Assert.Equal(("unit", "department"), (manual.FromLevel.ToWire(), manual.ToLevel.ToWire()));
        await Eventually.UntilAsync(async () => (await _app.CaseAsync(id)).EscalationLevel.ToWire() == "department", "the case to show the department level");

        // The unit's clock (due at 5 s) was replaced by the department's (due 5 s after the manual escalation, at 8 s).
        _app.Clock.Advance(TimeSpan.FromSeconds(2));
        _app.Clock.Advance(TimeSpan.FromSeconds(3));
        await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.ToLevel.ToWire() == "executive");
        Assert.DoesNotContain(BreachesOf(id), b => b.Level.ToWire() == "unit");
    }

    [Fact]
    public async Task Reopening_a_resolved_case_starts_escalation_again_at_the_unit_level()
    {
        var id = (await _app.OpenAsync(Complaint())).Document.Id;
        await _app.AdvanceUntilAsync(Step, id, c => c.EscalationLevel.ToWire() == "department", "escalation to the department level");
        await ActOkAsync(id, "resolve");
        await Eventually.UntilAsync(async () => (await _app.CaseAsync(id)).NextDeadline is null && (await PendingTimersAsync()) == 0, "the escalation to end");

        await ActOkAsync(id, "reopen", new { reason = "The family called again" });
        var restarted = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.Reason.ToWire() == "reopened");
        Assert.Equal("unit", restarted.ToLevel.ToWire());
        // The case shows the new escalation, not the one that ended: back at the unit level with a deadline running.
        await Eventually.UntilAsync(async () => await _app.CaseAsync(id) is { EscalationLevel: EscalationLevel.Unit, NextDeadlineKind: DeadlineKind.Acknowledge, SlaState: SlaState.OnTrack },
            "the reopened case to show the unit level and its acknowledgement deadline");
        var again = await _app.AdvanceUntilAsync(Step, id, c => c.EscalationLevel.ToWire() == "department" && c.EscalationSequence > 0 && c.Status == CaseStatus.Reopened,
            "the reopened case to escalate again");
        Assert.Equal(("acknowledge", "breached"), (again.NextDeadlineKind.ToWire(), again.SlaState.ToWire()));
    }

    [Fact]
    public async Task A_missed_response_deadline_escalates_even_when_acknowledged_and_a_final_letter_stops_that_clock()
    {
        var late = (await _app.OpenAsync(Complaint())).Document.Id;
        await ActOkAsync(late, "acknowledge");
        // Past the acknowledgement deadline only once the saga has stopped that clock: an acknowledgement it handled after the
        // deadline would rightly escalate instead, and set the interim notice from then.
        await Eventually.UntilAsync(async () => (await _app.CaseAsync(late)).NextDeadlineKind.ToWire() == "interim-notice", "the acknowledgement clock to stop");
        _app.Clock.Advance(TimeSpan.FromSeconds(30));
        await _app.PublishedAsync<InterimNoticeDue>(e => e.CaseId == late);
        _app.Clock.Advance(TimeSpan.FromSeconds(30));
        await _app.PublishedAsync<SlaBreached>(b => b.CaseId == late && b.Deadline.ToWire() == "response");
        var escalated = await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == late && e.ToLevel.ToWire() == "department");
        Assert.Equal("deadline-missed", escalated.Reason.ToWire());

        var answered = (await _app.OpenAsync(Complaint())).Document.Id;
        await ActOkAsync(answered, "acknowledge");
        // The saga's answer changes the case too (its next deadline); act on the version that includes it, as a console would.
        await Eventually.UntilAsync(async () => (await _app.CaseAsync(answered)).NextDeadlineKind.ToWire() == "interim-notice", "the acknowledgement clock to stop");
        await ActOkAsync(answered, "letters", new { kind = "final", contactName = "Dana Whitfield", stepsTaken = "Reviewed the log", results = "Resolved", completionDate = "2026-11-27" });
        await Eventually.UntilAsync(async () => (await _app.CaseAsync(answered)).NextDeadline is null, "the response clock to stop");
        _app.Clock.Advance(TimeSpan.FromSeconds(60));
        var third = (await _app.OpenAsync(Complaint())).Document.Id; // a later case's start proves the bus moved on
        await _app.PublishedAsync<CaseEscalated>(e => e.CaseId == third);
        Assert.Empty(BreachesOf(answered));
        Assert.DoesNotContain(_app.Published<InterimNoticeDue>(), e => e.CaseId == answered);
    }

    [Fact]
    public async Task A_duplicate_CaseOpened_starts_nothing_twice()
    {
        var opened = await _app.OpenAsync(Complaint());
        var id = opened.Document.Id;
        var first = await _app.PublishedAsync<CaseOpened>(e => e.CaseId == id);

        await _app.Harness.Bus.Publish(first, Ct);
        await _app.Harness.Bus.Publish(first, Ct);
        await _app.AdvanceUntilAsync(Step, id, c => c.EscalationLevel.ToWire() == "department", "escalation to the department level");

        Assert.Single(EscalationsOf(id), e => e.Reason.ToWire() == "opened");
        Assert.Single(BreachesOf(id));
        // The department's acknowledgement, interim notice, response: no duplicates. The unit's acknowledgement, which fired,
        // leaves the schedule once its consumer has finished, which can be a moment after the case shows the new level.
        await Eventually.UntilAsync(async () => await PendingTimersAsync() == 3, "three timers in the schedule");
    }

    [Fact]
    public async Task An_acknowledgement_that_overtakes_its_CaseOpened_is_applied_once_the_case_opens()
    {
        var caseId = Guid.NewGuid();
        await _app.Harness.Bus.Publish(new CaseAcknowledged
        {
            CaseId = caseId, FacilityId = Samples.Riverside, Level = EscalationLevel.Unit, AcknowledgedBy = "nurse-manager", AcknowledgedAt = _app.Clock.GetUtcNow(),
        }, Ct);
        await _app.Harness.Bus.Publish(new CaseOpened
        {
            CaseId = caseId, CaseNumber = "PX-TEST-0001", SubmissionId = Guid.NewGuid(), FacilityId = Samples.Riverside, DepartmentId = "emergency",
            UnitId = "ed-adult", Channel = FeedbackChannel.Phone, Status = CaseStatus.New, OpenedAt = _app.Clock.GetUtcNow(), Classification = CaseType.Complaint, Severity = Severity.Medium,
        }, Ct);

        var sagas = _app.Services.GetRequiredService<SagaDocumentCollection<EscalationState>>();
        await Eventually.UntilAsync(async () => (await sagas.LoadAsync(caseId, Ct))?.AcknowledgedAtLevel == true, "the early acknowledgement to be applied");
        Assert.Equal(2, await PendingTimersAsync()); // interim notice and response only
    }
}
