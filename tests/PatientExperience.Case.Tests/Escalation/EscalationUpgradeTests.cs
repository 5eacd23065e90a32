using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Case.Escalation;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Contracts.Case;
using PatientExperience.Messaging.Scheduling;
using PatientExperience.Storage;

namespace PatientExperience.Case.Tests;

/// <summary>
/// An escalation stored by the version before the saga's states were the process (one <c>Active</c> state and flags), with
/// the timers it scheduled, continues after the upgrade. The documents are exactly as that version wrote them: captured from
/// a run of it (case opened, the unit's acknowledgement deadline missed, now at the department level, unacknowledged).
/// </summary>
public sealed class EscalationUpgradeTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>When the document was captured: after the escalation to the department level, before its deadline.</summary>
    private static readonly DateTimeOffset CapturedAt = DateTimeOffset.Parse("2026-12-01T14:48:37.75Z", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly Guid CaseId = Guid.Parse("01a23214-211a-70c4-8499-857fd2166a6d");

    /// <summary>The stored saga document (collection <c>escalations</c>, id = case id, store version 2).</summary>
    internal const string DepartmentUnacknowledged = @"{""saga"":{""correlationId"":""01a23214-211a-70c4-8499-857fd2166a6d"",""version"":2,""currentState"":""Active"",""facilityId"":""riverside-general"",""departmentId"":""emergency"",""unitId"":""ed-adult"",""submissionId"":""3d1b2ebe-c3ef-483c-b2c6-4e33f7288df1"",""severity"":""medium"",""policyVersion"":1,""openedAt"":""2026-12-01T14:48:29.7220031Z"",""level"":""department"",""acknowledgedAtLevel"":false,""acknowledgeDueAt"":""2026-12-01T14:48:39.7220031Z"",""interimDueAt"":""2026-12-01T14:48:59.7220031Z"",""responseDueAt"":""2026-12-01T14:49:29.7220031Z"",""interimNoticeSent"":false,""breaches"":1,""acknowledgeTokenId"":""c6500000-3b57-8ff3-9c5e-08df4fba2eca"",""interimTokenId"":""c6500000-3b57-8ff3-413e-08df4fba2e95"",""responseTokenId"":""c6500000-3b57-8ff3-f140-08df4fba2e98"",""statusSequence"":2}}";

    /// <summary>Its three pending timers (collection <c>scheduled_messages</c>, id = scheduling token): interim notice, acknowledgement, response.</summary>
    internal static readonly string[] PendingTimers =
    [
        @"{""destination"":""loopback://localhost/case-escalation"",""scheduledTime"":""2026-12-01T14:48:59.7220031Z"",""dueAt"":""2026-12-01T14:48:59.7220031Z"",""messageTypes"":[""urn:message:PatientExperience.Case.Escalation:InterimNoticeDeadlineReached""],""contentType"":""application/vnd.masstransit\u002Bjson"",""body"":{""messageId"":""c6500000-3b57-8ff3-f356-08df4fba2e93"",""requestId"":null,""correlationId"":null,""conversationId"":""c6500000-3b57-8ff3-6f7f-08df4fba2e4c"",""initiatorId"":""01a23214-211a-70c4-8499-857fd2166a6d"",""sourceAddress"":""loopback://localhost/case-escalation"",""destinationAddress"":""loopback://localhost/case-escalation"",""responseAddress"":null,""faultAddress"":null,""messageType"":[""urn:message:PatientExperience.Case.Escalation:InterimNoticeDeadlineReached""],""message"":{""caseId"":""01a23214-211a-70c4-8499-857fd2166a6d"",""dueAt"":""2026-12-01T09:48:59.7220031-05:00""},""expirationTime"":null,""sentTime"":""2026-12-01T14:48:37.3859158Z"",""headers"":{""MT-Scheduling-TokenId"":""c6500000-3b57-8ff3-413e-08df4fba2e95""},""host"":{""machineName"":""vm"",""processName"":""PatientExperience.Case.Tests"",""processId"":20678,""assembly"":""PatientExperience.Case.Tests"",""assemblyVersion"":""1.0.0.0"",""frameworkVersion"":""10.0.12"",""massTransitVersion"":""8.5.12.0"",""operatingSystemVersion"":""Unix 6.18.44.1045""}},""traceParent"":""00-89a2a0b1749220ad2800eaa946d00bb8-358de2aefe0663c5-01"",""attempts"":0,""createdAt"":""2026-12-01T14:48:29.7220031Z""}",
        @"{""destination"":""loopback://localhost/case-escalation"",""scheduledTime"":""2026-12-01T14:48:39.7220031Z"",""dueAt"":""2026-12-01T14:48:39.7220031Z"",""messageTypes"":[""urn:message:PatientExperience.Case.Escalation:AcknowledgeDeadlineReached""],""contentType"":""application/vnd.masstransit\u002Bjson"",""body"":{""messageId"":""c6500000-3b57-8ff3-9c19-08df4fba2eca"",""requestId"":null,""correlationId"":null,""conversationId"":""c6500000-3b57-8ff3-6f7f-08df4fba2e4c"",""initiatorId"":""01a23214-211a-70c4-8499-857fd2166a6d"",""sourceAddress"":""loopback://localhost/case-escalation"",""destinationAddress"":""loopback://localhost/case-escalation"",""responseAddress"":null,""faultAddress"":null,""messageType"":[""urn:message:PatientExperience.Case.Escalation:AcknowledgeDeadlineReached""],""message"":{""caseId"":""01a23214-211a-70c4-8499-857fd2166a6d"",""level"":""department"",""dueAt"":""2026-12-01T09:48:39.7220031-05:00""},""expirationTime"":null,""sentTime"":""2026-12-01T14:48:37.7441305Z"",""headers"":{""MT-Scheduling-TokenId"":""c6500000-3b57-8ff3-9c5e-08df4fba2eca""},""host"":{""machineName"":""vm"",""processName"":""PatientExperience.Case.Tests"",""processId"":20678,""assembly"":""PatientExperience.Case.Tests"",""assemblyVersion"":""1.0.0.0"",""frameworkVersion"":""10.0.12"",""massTransitVersion"":""8.5.12.0"",""operatingSystemVersion"":""Unix 6.18.44.1045""}},""traceParent"":""00-89a2a0b1749220ad2800eaa946d00bb8-f8ba6ef434e5f859-01"",""attempts"":0,""createdAt"":""2026-12-01T14:48:34.7220031Z""}",
        @"{""destination"":""loopback://localhost/case-escalation"",""scheduledTime"":""2026-12-01T14:49:29.7220031Z"",""dueAt"":""2026-12-01T14:49:29.7220031Z"",""messageTypes"":[""urn:message:PatientExperience.Case.Escalation:ResponseDeadlineReached""],""contentType"":""application/vnd.masstransit\u002Bjson"",""body"":{""messageId"":""c6500000-3b57-8ff3-e068-08df4fba2e98"",""requestId"":null,""correlationId"":null,""conversationId"":""c6500000-3b57-8ff3-6f7f-08df4fba2e4c"",""initiatorId"":""01a23214-211a-70c4-8499-857fd2166a6d"",""sourceAddress"":""loopback://localhost/case-escalation"",""destinationAddress"":""loopback://localhost/case-escalation"",""responseAddress"":null,""faultAddress"":null,""messageType"":[""urn:message:PatientExperience.Case.Escalation:ResponseDeadlineReached""],""message"":{""caseId"":""01a23214-211a-70c4-8499-857fd2166a6d"",""dueAt"":""2026-12-01T09:49:29.7220031-05:00""},""expirationTime"":null,""sentTime"":""2026-12-01T14:48:37.4181992Z"",""headers"":{""MT-Scheduling-TokenId"":""c6500000-3b57-8ff3-f140-08df4fba2e98""},""host"":{""machineName"":""vm"",""processName"":""PatientExperience.Case.Tests"",""processId"":20678,""assembly"":""PatientExperience.Case.Tests"",""assemblyVersion"":""1.0.0.0"",""frameworkVersion"":""10.0.12"",""massTransitVersion"":""8.5.12.0"",""operatingSystemVersion"":""Unix 6.18.44.1045""}},""traceParent"":""00-89a2a0b1749220ad2800eaa946d00bb8-358de2aefe0663c5-01"",""attempts"":0,""createdAt"":""2026-12-01T14:48:29.7220031Z""}",
    ];

    private EscalationHarness _saga = null!;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_saga is not null) await _saga.DisposeAsync();
    }

    /// <summary>Starts the saga on a store holding the saga document and its timers as the earlier version left them.</summary>
    private async Task RestoreAsync(string sagaDocument, bool withAcknowledgementTimer = true) =>
        _saga = await EscalationHarness.StartAsync(CapturedAt, async services =>
        {
            var store = services.GetRequiredKeyedService<IDocumentStore>(CaseModule.ServiceName);
            var timers = store.Collection<JsonObject>(ScheduledMessages.Definition);
            await services.GetRequiredService<SagaDocumentCollection<EscalationState>>().EnsureCreatedAsync(Ct);
            await store.InitializeAsync(Ct);
            var sagas = store.Collection<JsonObject>(new CollectionDefinition(EscalationStateDefinition.Collection.Name));
            await sagas.InsertAsync(CaseId.ToString("D"), JsonNode.Parse(sagaDocument)!.AsObject(), [], Ct);
            foreach (var timer in PendingTimers)
            {
                var document = JsonNode.Parse(timer)!.AsObject();
                if (!withAcknowledgementTimer && document["messageTypes"]!.ToJsonString().Contains("AcknowledgeDeadlineReached", StringComparison.Ordinal)) continue;
                var token = document["body"]!["headers"]!["MT-Scheduling-TokenId"]!.GetValue<string>();
                await timers.InsertAsync(token, document, [], Ct);
            }
        });

    [Fact]
    public async Task A_stored_Active_escalation_awaiting_the_department_loads_in_the_state_it_meant()
    {
        await RestoreAsync(DepartmentUnacknowledged);

        var saga = (await _saga.Sagas.LoadAsync(CaseId, Ct))!;
        Assert.Equal(nameof(EscalationStateMachine.AwaitingAcknowledgement), saga.CurrentState);
        Assert.Equal((EscalationLevel.Department, 1, 2L), (saga.Level, saga.Breaches, saga.StatusSequence));
        Assert.Null(saga.LevelReachedAt);
        Assert.Equal(3, await _saga.PendingTimersAsync());
    }

    [Fact]
    public async Task A_stored_escalation_awaiting_the_department_escalates_to_the_executive_when_its_timer_fires_then_resolves()
    {
        await RestoreAsync(DepartmentUnacknowledged);

        // The department's acknowledgement deadline (14:48:39.72), scheduled by the earlier version, passes.
        _saga.Clock.Advance(TimeSpan.FromSeconds(2));
        var toExecutive = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == CaseId && e.ToLevel.ToWire() == "executive");
        Assert.Equal(((EscalationLevel?)EscalationLevel.Department, EscalationReason.DeadlineMissed), (toExecutive.FromLevel, toExecutive.Reason));
        Assert.Contains(_saga.Published<SlaBreached>(), b => b.CaseId == CaseId && (b.Level, b.Deadline) == (EscalationLevel.Department, DeadlineKind.Acknowledge));
        var status = await _saga.PublishedAsync<EscalationStatusChanged>(e => e.CaseId == CaseId && e.Level.ToWire() == "executive");
        Assert.Equal((3L, SlaState.Breached, (DeadlineKind?)DeadlineKind.Acknowledge), (status.Sequence, status.SlaState, status.NextDeadlineKind));
        var saga = await _saga.SagaAsync(CaseId, s => s.Level.ToWire() == "executive", "the executive level");
        Assert.Equal((nameof(EscalationStateMachine.AwaitingAcknowledgement), 2), (saga.CurrentState, saga.Breaches));

        // The interim notice it scheduled still falls due (14:48:59.72).
        _saga.Clock.Advance(TimeSpan.FromSeconds(20));
        await _saga.PublishedAsync<InterimNoticeDue>(e => e.CaseId == CaseId);

        await _saga.PublishAsync(_saga.Resolved(CaseId));
        await _saga.PublishedAsync<EscalationStatusChanged>(e => e.CaseId == CaseId && e.SlaState.ToWire() == "breached" && e.NextDeadline is null);
        await _saga.UntilAsync(async () => await _saga.Sagas.LoadAsync(CaseId, Ct) is null && await _saga.PendingTimersAsync() == 0, "the escalation to end");
    }

    [Fact]
    public async Task A_stored_escalation_awaiting_the_department_stops_its_clock_when_the_department_acknowledges()
    {
        await RestoreAsync(DepartmentUnacknowledged);

        await _saga.PublishAsync(_saga.AcknowledgedAt(CaseId, EscalationLevel.Department, _saga.Clock.GetUtcNow()));
        var saga = await _saga.SagaAsync(CaseId, s => s.CurrentState == nameof(EscalationStateMachine.AwaitingResponse), "the department's clock to stop");
        Assert.True(saga.AcknowledgedAtLevel);
        Assert.Equal(2, await _saga.PendingTimersAsync());

        // Past the department's acknowledgement deadline, up to the interim notice: only that one falls due.
        _saga.Clock.Advance(TimeSpan.FromSeconds(22));
        await _saga.PublishedAsync<InterimNoticeDue>(e => e.CaseId == CaseId);
        Assert.DoesNotContain(_saga.Published<CaseEscalated>(), e => e.CaseId == CaseId);
        Assert.DoesNotContain(_saga.Published<SlaBreached>(), e => e.CaseId == CaseId);
    }

    [Fact]
    public async Task A_stored_Active_escalation_whose_level_acknowledged_loads_as_awaiting_its_response_and_ignores_another_acknowledgement()
    {
        // Derived from the captured document: what the earlier version stores once the department acknowledged (the flag set,
        // the acknowledgement clock's token and timer gone).
        var acknowledged = JsonNode.Parse(DepartmentUnacknowledged)!.AsObject();
        acknowledged["saga"]!["acknowledgedAtLevel"] = true;
        acknowledged["saga"]!.AsObject().Remove("acknowledgeTokenId");
        await RestoreAsync(acknowledged.ToJsonString(), withAcknowledgementTimer: false);

        var saga = (await _saga.Sagas.LoadAsync(CaseId, Ct))!;
        Assert.Equal(nameof(EscalationStateMachine.AwaitingResponse), saga.CurrentState);

        // Its response deadline (14:49:29.72) still moves it up a level.
        _saga.Clock.Advance(TimeSpan.FromSeconds(52));
        var toExecutive = await _saga.PublishedAsync<CaseEscalated>(e => e.CaseId == CaseId && e.ToLevel.ToWire() == "executive");
        Assert.Equal(EscalationReason.DeadlineMissed, toExecutive.Reason);
        Assert.Contains(_saga.Published<SlaBreached>(), b => b.CaseId == CaseId && (b.Level, b.Deadline) == (EscalationLevel.Department, DeadlineKind.Response));
    }
}
