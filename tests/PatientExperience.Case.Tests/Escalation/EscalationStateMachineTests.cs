using MassTransit;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Escalation;
using PatientExperience.Contracts.Case;

namespace PatientExperience.Case.Tests;

/// <summary>
/// The escalation saga driven state by state on a clock the test moves (acknowledge 5 s at each level, interim notice 30 s,
/// response 60 s): what each state does with each event, including events that arrive out of order or again.
/// </summary>
public sealed class EscalationStateMachineTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private EscalationHarness _saga = null!;

    public async ValueTask InitializeAsync() => _saga = await EscalationHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _saga.DisposeAsync();

    private DateTimeOffset Now => _saga.Clock.GetUtcNow();

    private IReadOnlyList<CaseEscalated> EscalationsOf(Guid id) => _saga.Published<CaseEscalated>().Where(e => e.CaseId == id).ToList();

    private IReadOnlyList<SlaBreached> BreachesOf(Guid id) => _saga.Published<SlaBreached>().Where(e => e.CaseId == id).ToList();

    /// <summary>Opens a case and waits until it awaits its first level's acknowledgement.</summary>
    private async Task<Guid> OpenAsync(Severity severity = Severity.Medium, SubmissionOrigin submittedBy = SubmissionOrigin.Staff)
    {
        var opened = EscalationHarness.Opened(severity: severity, at: Now, submittedBy: submittedBy);
        await _saga.PublishAsync(opened);
        await _saga.SagaAsync(opened.CaseId, s => s.CurrentState == nameof(EscalationStateMachine.AwaitingAcknowledgement), "the case to await its acknowledgement");
        return opened.CaseId;
    }

    [Fact]
    public async Task An_opened_case_awaits_the_unit_levels_acknowledgement_with_its_three_clocks_running()
    {
        var id = await OpenAsync();

        var saga = await _saga.SagaAsync(id, s => true, "the saga");
        Assert.Equal(EscalationLevel.Unit, saga.Level);
        Assert.NotNull(saga.AcknowledgeTokenId);
        Assert.NotNull(saga.InterimTokenId);
        Assert.NotNull(saga.ResponseTokenId);
        Assert.Equal(3, await _saga.PendingTimersAsync());
        var start = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id);
        Assert.Equal(((EscalationLevel?)null, EscalationLevel.Unit, EscalationReason.Opened), (start.FromLevel, start.ToLevel, start.Reason));
        Assert.Equal("unit-holder", Assert.Single(start.Recipients).PersonId);
        var status = await _saga.PublishedAsync<EscalationStatusChanged>(e => e.CaseId == id);
        Assert.Equal((1L, EscalationLevel.Unit, (DeadlineKind?)DeadlineKind.Acknowledge, SlaState.OnTrack), (status.Sequence, status.Level, status.NextDeadlineKind, status.SlaState));
    }

    [Fact]
    public async Task A_critical_case_from_an_authenticated_channel_awaits_the_executive_levels_acknowledgement_and_compliance_is_told()
    {
        var id = await OpenAsync(Severity.Critical);

        var start = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id);
        Assert.Equal((EscalationLevel.Executive, EscalationReason.CriticalSeverity), (start.ToLevel, start.Reason));
        Assert.Contains(start.Recipients, r => r.Role == "compliance");
    }

    [Fact]
    public async Task A_critical_case_from_an_anonymous_channel_goes_to_triage_not_to_the_executives()
    {
        var id = await OpenAsync(Severity.Critical, SubmissionOrigin.Anonymous);

        var start = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id);
        Assert.Equal((EscalationLevel.Unit, EscalationReason.CriticalTriage), (start.ToLevel, start.Reason));
        Assert.Equal(["compliance-officer", "patient-relations-lead"], start.Recipients.Select(r => r.PersonId).Order());
        var saga = await _saga.SagaAsync(id, s => true, "the saga");
        Assert.True(saga.InTriage);
        Assert.NotNull(saga.AcknowledgeTokenId); // triage's acknowledgement clock runs as usual
    }

    [Fact]
    public async Task Confirming_a_critical_case_in_triage_moves_it_to_the_executives_with_reason_critical_severity()
    {
        var id = await OpenAsync(Severity.Critical, SubmissionOrigin.Anonymous);
        _saga.Clock.Advance(TimeSpan.FromSeconds(2));

        await _saga.PublishAsync(new CaseCriticalConfirmed { CaseId = id, ConfirmedBy = "patient-relations-lead", ConfirmedAt = Now });

        var confirmed = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.ToLevel == EscalationLevel.Executive);
        Assert.Equal((EscalationLevel.Unit, EscalationReason.CriticalSeverity), (confirmed.FromLevel, confirmed.Reason));
        Assert.Contains(confirmed.Recipients, r => r.Role == "executive");
        Assert.Contains(confirmed.Recipients, r => r.Role == "compliance");
        var saga = await _saga.SagaAsync(id, s => s.Level == EscalationLevel.Executive, "the case at the executive level");
        Assert.False(saga.InTriage);
        Assert.Equal(Now + EscalationHarness.Acknowledge, saga.AcknowledgeDueAt);

        // Confirmed again (a redelivery): nothing more happens.
        await _saga.PublishAsync(new CaseCriticalConfirmed { CaseId = id, ConfirmedBy = "patient-relations-lead", ConfirmedAt = Now });
        _saga.Clock.Advance(TimeSpan.FromSeconds(1));
        await _saga.UntilAsync(() => _saga.Harness.Consumed.Select<CaseCriticalConfirmed>(Ct).Count() >= 2, "the second confirmation to be consumed");
        Assert.Equal(2, EscalationsOf(id).Count);
    }

    [Fact]
    public async Task A_critical_case_no_one_triages_in_time_goes_to_the_executives_when_its_deadline_passes()
    {
        var id = await OpenAsync(Severity.Critical, SubmissionOrigin.Anonymous);

        _saga.Clock.Advance(EscalationHarness.Acknowledge);

        var up = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.ToLevel == EscalationLevel.Executive);
        Assert.Equal((EscalationLevel.Unit, EscalationReason.DeadlineMissed, Severity.Critical), (up.FromLevel, up.Reason, up.Severity));
        Assert.Contains(up.Recipients, r => r.Role == "executive");
        Assert.Contains(BreachesOf(id), b => b.Level == EscalationLevel.Unit && b.Deadline == DeadlineKind.Acknowledge);
        Assert.False((await _saga.SagaAsync(id, s => s.Level == EscalationLevel.Executive, "the executive level")).InTriage);
    }

    [Fact]
    public async Task Acknowledging_stops_the_levels_clock_and_the_case_awaits_its_response()
    {
        var id = await OpenAsync();
        _saga.Clock.Advance(TimeSpan.FromSeconds(2));
        await _saga.PublishAsync(_saga.AcknowledgedAt(id, EscalationLevel.Unit, Now));

        var saga = await _saga.SagaAsync(id, s => s.CurrentState == nameof(EscalationStateMachine.AwaitingResponse), "the case to await its response");
        Assert.True(saga.AcknowledgedAtLevel);
        Assert.Null(saga.AcknowledgeTokenId);
        Assert.Equal(2, await _saga.PendingTimersAsync());
        await _saga.PublishedAsync<EscalationStatusChanged>(e => e.CaseId == id && e.HistoryAction == "acknowledgement-clock-stopped" && e.NextDeadlineKind.ToWire() == "interim-notice");

        // Past the acknowledgement deadline, up to the interim notice: that one still falls due; nobody is escalated.
        _saga.Clock.Advance(EscalationHarness.InterimNotice);
        await _saga.PublishedAsync<InterimNoticeDue>(e => e.CaseId == id);
        Assert.Empty(BreachesOf(id));
        Assert.Single(EscalationsOf(id));
    }

    [Fact]
    public async Task When_the_unit_then_the_department_miss_their_deadline_the_case_moves_up_and_the_executive_level_only_breaches()
    {
        var id = await OpenAsync();

        _saga.Clock.Advance(EscalationHarness.Acknowledge);
        var atDepartment = await _saga.SagaAsync(id, s => s.Level.ToWire() == "department", "the department level");
        Assert.Equal(nameof(EscalationStateMachine.AwaitingAcknowledgement), atDepartment.CurrentState);
        Assert.NotNull(atDepartment.AcknowledgeTokenId);
        var toDepartment = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.ToLevel.ToWire() == "department");
        Assert.Equal(((EscalationLevel?)EscalationLevel.Unit, EscalationReason.DeadlineMissed, "department-head"), (toDepartment.FromLevel, toDepartment.Reason, Assert.Single(toDepartment.Recipients).Role));
        Assert.Contains(BreachesOf(id), b => (b.Level, b.Deadline) == (EscalationLevel.Unit, DeadlineKind.Acknowledge));

        _saga.Clock.Advance(EscalationHarness.Acknowledge);
        await _saga.SagaAsync(id, s => s.Level.ToWire() == "executive", "the executive level");
        await _saga.PublishedAsync<SlaBreached>(b => b.CaseId == id && (b.Level, b.Deadline) == (EscalationLevel.Department, DeadlineKind.Acknowledge));
        await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.ToLevel.ToWire() == "executive");

        _saga.Clock.Advance(EscalationHarness.Acknowledge);
        await _saga.PublishedAsync<SlaBreached>(b => b.CaseId == id && b.Level.ToWire() == "executive");
        var atTop = await _saga.SagaAsync(id, s => s.AcknowledgeTokenId is null, "the executive clock to have run out");
        Assert.Equal((EscalationLevel.Executive, nameof(EscalationStateMachine.AwaitingAcknowledgement), 3), (atTop.Level, atTop.CurrentState, atTop.Breaches));
        Assert.Equal(3, EscalationsOf(id).Count);
    }

    [Fact]
    public async Task A_missed_response_deadline_moves_an_acknowledged_case_up_to_await_the_next_levels_acknowledgement()
    {
        var id = await OpenAsync();
        await _saga.PublishAsync(_saga.AcknowledgedAt(id, EscalationLevel.Unit, Now));
        await _saga.SagaAsync(id, s => s.CurrentState == nameof(EscalationStateMachine.AwaitingResponse), "the case to await its response");

        _saga.Clock.Advance(EscalationHarness.Response);
        var escalated = await _saga.SagaAsync(id, s => s.Level.ToWire() == "department", "the department level");
        Assert.Equal(nameof(EscalationStateMachine.AwaitingAcknowledgement), escalated.CurrentState);
        Assert.False(escalated.AcknowledgedAtLevel);
        await _saga.PublishedAsync<SlaBreached>(b => b.CaseId == id && (b.Level, b.Deadline) == (EscalationLevel.Unit, DeadlineKind.Response));
    }

    [Fact]
    public async Task Staff_escalating_by_hand_replace_the_levels_clock_with_the_next_ones()
    {
        var id = await OpenAsync();
        _saga.Clock.Advance(TimeSpan.FromSeconds(3));
        await _saga.PublishAsync(new CaseEscalationRequested { CaseId = id, RequestedBy = "patient-relations", RequestedAt = Now });

        var saga = await _saga.SagaAsync(id, s => s.Level.ToWire() == "department", "the department level");
        Assert.Equal(Now + EscalationHarness.Acknowledge, saga.AcknowledgeDueAt);
        var manual = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.Reason.ToWire() == "manual");
        Assert.Equal(((EscalationLevel?)EscalationLevel.Unit, EscalationLevel.Department), (manual.FromLevel, manual.ToLevel));
    }

    [Fact]
    public async Task A_final_letter_stops_the_response_and_interim_clocks()
    {
        var id = await OpenAsync();
        await _saga.PublishAsync(new ResponseLetterIssued
        {
            CaseId = id, FacilityId = EscalationHarness.Facility, SubmissionId = Guid.NewGuid(), LetterId = Guid.NewGuid(), Kind = LetterKind.Final, IssuedBy = "patient-relations", IssuedAt = Now,
        });

        var saga = await _saga.SagaAsync(id, s => s.ResponseTokenId is null, "the response clock to stop");
        Assert.Null(saga.InterimTokenId);
        Assert.True(saga.InterimNoticeSent);
        Assert.Equal(1, await _saga.PendingTimersAsync()); // the level's acknowledgement
    }

    [Fact]
    public async Task Resolving_ends_the_escalation_cancels_its_clocks_and_reports_the_sla_met()
    {
        var id = await OpenAsync();
        await _saga.PublishAsync(_saga.Resolved(id));

        await _saga.PublishedAsync<EscalationStatusChanged>(e => e.CaseId == id && e.SlaState.ToWire() == "met" && e.NextDeadline is null);
        await _saga.UntilAsync(async () => await _saga.Sagas.LoadAsync(id, Ct) is null && await _saga.PendingTimersAsync() == 0, "the escalation to end");
    }

    // Out of order and again (issue: reliability). Each order is tested.

    [Fact]
    public async Task A_resolution_that_overtakes_its_CaseOpened_leaves_nothing_running_when_the_case_opens()
    {
        var opened = EscalationHarness.Opened(at: Now);
        await _saga.PublishAsync(_saga.Resolved(opened.CaseId));
        await _saga.SagaAsync(opened.CaseId, s => s.CurrentState == nameof(EscalationStateMachine.ResolvedBeforeOpened), "the early resolution to be remembered");

        await _saga.PublishAsync(opened);
        await _saga.PublishedAsync<EscalationStatusChanged>(e => e.CaseId == opened.CaseId && e.SlaState.ToWire() == "met");
        await _saga.UntilAsync(async () => await _saga.Sagas.LoadAsync(opened.CaseId, Ct) is null, "the escalation to end");
        Assert.Equal(0, await _saga.PendingTimersAsync());
        Assert.Empty(EscalationsOf(opened.CaseId));

        _saga.Clock.Advance(EscalationHarness.Response);
        var later = await OpenAsync(); // a later case's start proves the bus moved on
        await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == later);
        Assert.Empty(BreachesOf(opened.CaseId));
    }

    [Fact]
    public async Task A_resolution_after_its_CaseOpened_ends_the_escalation()
    {
        var opened = EscalationHarness.Opened(at: Now);
        await _saga.PublishAsync(opened);
        await _saga.SagaAsync(opened.CaseId, s => s.CurrentState == nameof(EscalationStateMachine.AwaitingAcknowledgement), "the escalation to start");
        await _saga.PublishAsync(_saga.Resolved(opened.CaseId));

        await _saga.UntilAsync(async () => await _saga.Sagas.LoadAsync(opened.CaseId, Ct) is null && await _saga.PendingTimersAsync() == 0, "the escalation to end");
        await _saga.PublishedAsync<EscalationStatusChanged>(e => e.CaseId == opened.CaseId && e.SlaState.ToWire() == "met");
        Assert.Single(EscalationsOf(opened.CaseId));
    }

    [Fact]
    public async Task A_redelivered_acknowledgement_from_an_earlier_level_does_not_stop_the_current_levels_clock()
    {
        var id = await OpenAsync();
        var unitAcknowledgement = _saga.AcknowledgedAt(id, EscalationLevel.Unit, Now);
        _saga.Clock.Advance(EscalationHarness.Acknowledge);
        await _saga.SagaAsync(id, s => s.Level.ToWire() == "department", "the department level");

        // The unit's acknowledgement again (a redelivery or an _error replay), after the case moved up.
        await _saga.PublishAsync(unitAcknowledgement);
        await _saga.Harness.Consumed.Any<CaseAcknowledged>(m => m.Context.Message.CaseId == id, Ct);
        var saga = await _saga.SagaAsync(id, s => true, "the saga");
        Assert.Equal((nameof(EscalationStateMachine.AwaitingAcknowledgement), false), (saga.CurrentState, saga.AcknowledgedAtLevel));
        Assert.NotNull(saga.AcknowledgeTokenId);

        _saga.Clock.Advance(EscalationHarness.Acknowledge);
        await _saga.SagaAsync(id, s => s.Level.ToWire() == "executive", "the department's clock to run out");
    }

    [Fact]
    public async Task An_acknowledgement_made_at_the_current_level_stops_its_clock_whatever_level_the_acknowledger_saw()
    {
        var id = await OpenAsync();
        _saga.Clock.Advance(EscalationHarness.Acknowledge);
        await _saga.SagaAsync(id, s => s.Level.ToWire() == "department", "the department level");

        // Made after the case moved up, by someone whose screen still showed the unit level.
        _saga.Clock.Advance(TimeSpan.FromSeconds(1));
        await _saga.PublishAsync(_saga.AcknowledgedAt(id, EscalationLevel.Unit, Now));
        var saga = await _saga.SagaAsync(id, s => s.CurrentState == nameof(EscalationStateMachine.AwaitingResponse), "the department's clock to stop");
        Assert.Equal(EscalationLevel.Department, saga.Level);
        Assert.Null(saga.AcknowledgeTokenId);
    }

    [Fact]
    public async Task An_acknowledgement_that_overtakes_its_CaseOpened_is_applied_once_the_case_opens()
    {
        var opened = EscalationHarness.Opened(at: Now);
        await _saga.PublishAsync(_saga.AcknowledgedAt(opened.CaseId, EscalationLevel.Unit, Now));
        await _saga.PublishAsync(opened);

        await _saga.SagaAsync(opened.CaseId, s => s.CurrentState == nameof(EscalationStateMachine.AwaitingResponse), "the early acknowledgement to be applied");
        Assert.Equal(2, await _saga.PendingTimersAsync());
    }

    [Fact]
    public async Task A_duplicate_CaseOpened_starts_nothing_twice()
    {
        var opened = EscalationHarness.Opened(at: Now);
        await _saga.PublishAsync(opened);
        await _saga.PublishAsync(opened);
        await _saga.SagaAsync(opened.CaseId, s => s.CurrentState == nameof(EscalationStateMachine.AwaitingAcknowledgement), "the escalation to start");
        await _saga.UntilAsync(() => _saga.Harness.Consumed.Select<CaseOpened>(new CancellationToken(canceled: true))
            .Count(m => m.Context.Message.CaseId == opened.CaseId && m.Exception is null) >= 2, "both to be consumed");
        await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == opened.CaseId);

        // Moving on to the department proves the bus moved past the duplicate: one escalation each, no timer twice.
        _saga.Clock.Advance(EscalationHarness.Acknowledge);
        await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == opened.CaseId && e.ToLevel.ToWire() == "department");
        Assert.Single(EscalationsOf(opened.CaseId), e => e.Reason.ToWire() == "opened");
        Assert.Single(BreachesOf(opened.CaseId));
        // The department's acknowledgement, interim notice, response (the unit's, sent, is removed): no duplicates.
        await _saga.UntilTimersAsync(3);
    }

    [Fact]
    public async Task A_reopened_case_shows_its_new_level_and_deadlines_and_escalates_again()
    {
        // A case as the case service stores it: opened, escalated to the department, resolved. Its events go out through the relay.
        var opened = CaseFile.Open(Samples.Feedback(channel: "phone") with { ResponseRequested = false }, Now, TimeZoneInfo.Utc, slaPolicyVersion: 1);
        await _saga.Cases.TryOpenAsync(opened.SubmissionId, () => opened, Ct);
        var id = opened.Id;
        await _saga.UntilAsync(async () => (await _saga.Cases.GetAsync(id, Ct))!.Document.NextDeadlineKind.ToWire() == "acknowledge", "the case to show its acknowledgement deadline");
        _saga.Clock.Advance(EscalationHarness.Acknowledge);
        await _saga.UntilAsync(async () => (await _saga.Cases.GetAsync(id, Ct))!.Document.EscalationLevel.ToWire() == "department", "the case to show the department level");

        await ActAsync(id, c => c.Resolve("patient-relations", Now));
        await _saga.UntilAsync(async () => (await _saga.Cases.GetAsync(id, Ct))!.Document is { NextDeadline: null, SlaState: SlaState.Breached }, "the escalation to end");
        await _saga.UntilAsync(async () => await _saga.PendingTimersAsync() == 0, "its clocks to stop");

        _saga.Clock.Advance(TimeSpan.FromSeconds(1));
        await ActAsync(id, c => c.Reopen("patient-relations", "The family called again", t => "protected:" + t, Now));
        var reopened = await CaseWhenAsync(id, c => c.EscalationLevel.ToWire() == "unit", "the reopened case to show the unit level");
        Assert.Equal(((DeadlineKind?)DeadlineKind.Acknowledge, SlaState.OnTrack), (reopened.NextDeadlineKind, reopened.SlaState));
        Assert.Equal(Now + EscalationHarness.Acknowledge, reopened.NextDeadline);
        var restarted = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.Reason.ToWire() == "reopened");
        Assert.Equal(EscalationLevel.Unit, restarted.ToLevel);

        _saga.Clock.Advance(EscalationHarness.Acknowledge);
        var again = await CaseWhenAsync(id, c => c.EscalationLevel.ToWire() == "department", "the reopened case to escalate again");
        Assert.Equal(((DeadlineKind?)DeadlineKind.Acknowledge, SlaState.Breached), (again.NextDeadlineKind, again.SlaState));
    }

    [Fact]
    public async Task A_reopening_that_overtakes_the_resolution_starts_a_new_escalation_once_the_resolution_ends_the_old_one()
    {
        var opened = CaseFile.Open(Samples.Feedback(channel: "phone") with { ResponseRequested = false }, Now, TimeZoneInfo.Utc, slaPolicyVersion: 1);
        await _saga.Cases.TryOpenAsync(opened.SubmissionId, () => opened, Ct);
        var id = opened.Id;
        await _saga.SagaAsync(id, s => s.CurrentState == nameof(EscalationStateMachine.AwaitingAcknowledgement), "the escalation to start");

        // The case is resolved and reopened; its CaseReopened reaches the saga before its CaseResolved.
        _saga.Clock.Advance(TimeSpan.FromSeconds(1));
        CaseResolved resolved = null!;
        CaseReopened reopened = null!;
        await ChangeCaseAsync(id, c =>
        {
            resolved = (CaseResolved)c.Resolve("patient-relations", Now).Events.Single();
            reopened = (CaseReopened)c.Reopen("patient-relations", "The family called again", t => "protected:" + t, Now).Events.Single();
            return []; // published below, in the overtaking order
        });
        await _saga.PublishAsync(reopened);
        await _saga.PublishAsync(resolved);

        var restarted = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.Reason.ToWire() == "reopened");
        Assert.Equal(EscalationLevel.Unit, restarted.ToLevel);
        var saga = await _saga.SagaAsync(id, s => s.CurrentState == nameof(EscalationStateMachine.AwaitingAcknowledgement) && s.LevelReachedAt == reopened.ReopenedAt,
            "the new escalation to await the unit's acknowledgement");
        Assert.NotNull(saga.AcknowledgeTokenId);
        await _saga.UntilAsync(async () => await _saga.PendingTimersAsync() == 3, "the new escalation's three timers, and none of the old");
    }

    [Fact]
    public async Task A_CaseReopened_delivered_again_to_the_escalation_it_started_changes_nothing()
    {
        var opened = CaseFile.Open(Samples.Feedback(channel: "phone") with { ResponseRequested = false }, Now, TimeZoneInfo.Utc, slaPolicyVersion: 1);
        await _saga.Cases.TryOpenAsync(opened.SubmissionId, () => opened, Ct);
        var id = opened.Id;
        await _saga.SagaAsync(id, s => s.CurrentState == nameof(EscalationStateMachine.AwaitingAcknowledgement), "the escalation to start");
        await ActAsync(id, c => c.Resolve("patient-relations", Now));
        await _saga.UntilAsync(async () => await _saga.Sagas.LoadAsync(id, Ct) is null, "the escalation to end");
        _saga.Clock.Advance(TimeSpan.FromSeconds(1));
        await ActAsync(id, c => c.Reopen("patient-relations", "The family called again", t => "protected:" + t, Now));
        var reopened = await _saga.PublishedAsync<CaseReopened>(e => e.CaseId == id);
        await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id && e.Reason.ToWire() == "reopened");

        await _saga.PublishAsync(reopened);
        await _saga.UntilAsync(() => _saga.Harness.Consumed.Select<CaseReopened>(new CancellationToken(canceled: true))
            .Count(m => m.Context.Message.CaseId == id && m.Exception is null) >= 2, "the repeat to be consumed");
        Assert.Single(EscalationsOf(id), e => e.Reason.ToWire() == "reopened");
        Assert.Equal(3, await _saga.PendingTimersAsync());
    }

    [Fact]
    public async Task A_service_that_could_not_take_an_escalation_is_noted_on_the_timeline()
    {
        var id = await OpenAsync();
        var start = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == id);
        await _saga.Harness.Bus.Publish<Fault<CaseEscalated>>(new
        {
            FaultId = NewId.NextGuid(),
            FaultedMessageId = NewId.NextGuid(),
            Timestamp = DateTime.UtcNow,
            Message = start,
            Exceptions = new[] { new { ExceptionType = "System.TimeoutException", Message = "The pager gateway did not answer", StackTrace = "", Source = "" } },
        }, Ct);

        var noted = await _saga.PublishedAsync<EscalationStatusChanged>(e => e.CaseId == id && e.HistoryAction == "escalation-notice-failed");
        Assert.Contains("unit", noted.HistoryDetail);
        Assert.Equal(DeadlineKind.Acknowledge, noted.NextDeadlineKind);
    }

    private Task ActAsync(Guid id, Func<CaseFile, CaseActionResult> action) =>
        ChangeCaseAsync(id, c =>
        {
            var result = action(c);
            Assert.True(result.Succeeded);
            return result.Events;
        });

    /// <summary>Changes the stored case as the case service does, reading it again when the saga's status update changed it meanwhile.</summary>
    private async Task ChangeCaseAsync(Guid id, Func<CaseFile, IReadOnlyList<object>> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = (await _saga.Cases.GetAsync(id, Ct))!;
            var events = change(stored.Document);
            try
            {
                await _saga.Cases.SaveAsync(stored.Document, stored.Version, events, Now, Ct);
                return;
            }
            catch (PatientExperience.Storage.ConcurrencyConflictException) when (attempt < 10)
            {
                // The status projection saved the case between the read and the write: read it again.
            }
        }
    }

    private async Task<CaseFile> CaseWhenAsync(Guid id, Func<CaseFile, bool> condition, string because)
    {
        CaseFile? current = null;
        await _saga.UntilAsync(async () => condition(current = (await _saga.Cases.GetAsync(id, Ct))!.Document), because);
        return current!;
    }
}
