using PatientExperience.Case.Cases;
using PatientExperience.Case.Organisation;
using PatientExperience.Case.Sla;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Escalation;

/// <summary>
/// What the escalation saga asks of the rest of the case service: the deadlines of the case's SLA policy version, turned into
/// due times in the facility's time zone and calendar, who holds an escalation level for the case's unit, and the time
/// (the one <see cref="TimeProvider"/> of the service).
/// </summary>
public sealed class EscalationPlanner(ISlaPolicies policies, IDeadlineCalculator calculator, IEscalationDirectory directory, TimeProvider clock)
{
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>
    /// Puts a case that opens or reopens at its first level, sets its deadlines (interim notice, response, the level's
    /// acknowledgement) from now, and raises <see cref="CaseEscalated"/> to the people of that level.
    /// </summary>
    /// <param name="openedAt">When the case opened or reopened (an acknowledgement made before then belongs to an earlier escalation).</param>
    /// <param name="reason"><c>opened</c> or <c>reopened</c>; a critical case's reason is <c>critical-severity</c>.</param>
    public async Task BeginAsync(EscalationState saga, CaseFacts facts, DateTimeOffset openedAt, EscalationReason reason, CancellationToken ct)
    {
        var now = Now;
        saga.Begin(facts, openedAt, now);
        await PlanCaseDeadlinesAsync(saga, now, ct);
        await PlanAcknowledgeDeadlineAsync(saga, now, ct);
        saga.Raise(new CaseEscalated
        {
            CaseId = saga.CorrelationId, FacilityId = saga.FacilityId, FromLevel = null, ToLevel = saga.Level,
            Reason = saga.InTriage ? EscalationReason.CriticalTriage : saga.IsCritical ? EscalationReason.CriticalSeverity : reason,
            Severity = saga.Severity, EscalatedAt = now,
            Recipients = saga.InTriage ? await TriageRecipientsAsync(saga, ct) : await RecipientsAsync(saga, saga.Level, ct),
        });
    }

    /// <summary>Who triages the case: the facility's patient-relations leads and compliance contact, else (none in the directory) the executive level.</summary>
    public async Task<IReadOnlyList<StaffRecipient>> TriageRecipientsAsync(EscalationState state, CancellationToken ct)
    {
        var triage = await directory.TriageAsync(state.FacilityId, state.DepartmentId, state.UnitId, ct);
        return triage.Count > 0 ? triage : await RecipientsAsync(state, EscalationLevel.Executive, ct);
    }

    /// <summary>
    /// Moves the case one level up (a critical case in triage: to the executive level), sets that level's acknowledgement
    /// deadline and raises <see cref="CaseEscalated"/> to its people.
    /// </summary>
    public async Task EscalateAsync(EscalationState saga, EscalationReason reason, CancellationToken ct)
    {
        var now = Now;
        var from = saga.MoveUpOneLevel(now);
        await PlanAcknowledgeDeadlineAsync(saga, now, ct);
        saga.Raise(new CaseEscalated
        {
            CaseId = saga.CorrelationId, FacilityId = saga.FacilityId, FromLevel = from, ToLevel = saga.Level, Reason = reason,
            Severity = saga.Severity, EscalatedAt = now, Recipients = await RecipientsAsync(saga, saga.Level, ct),
        });
    }

    private async Task<SlaDeadlines> DeadlinesAsync(EscalationState state, CancellationToken ct)
    {
        SlaPolicy policy;
        try
        {
            policy = await policies.VersionAsync(state.FacilityId, state.PolicyVersion, ct);
        }
        catch (KeyNotFoundException)
        {
            policy = await policies.CurrentAsync(state.FacilityId, ct);
        }

        return policy.For(state.Severity);
    }

    /// <summary>Sets the case-wide deadlines (interim notice, response) from the moment the case opened or reopened.</summary>
    public async Task PlanCaseDeadlinesAsync(EscalationState state, DateTimeOffset from, CancellationToken ct)
    {
        var deadlines = await DeadlinesAsync(state, ct);
        state.InterimDueAt = await calculator.DueAsync(state.FacilityId, from, deadlines.InterimNotice, ct);
        state.ResponseDueAt = await calculator.DueAsync(state.FacilityId, from, deadlines.Response, ct);
    }

    /// <summary>Sets the acknowledgement deadline of the level the case has just reached.</summary>
    public async Task PlanAcknowledgeDeadlineAsync(EscalationState state, DateTimeOffset from, CancellationToken ct)
    {
        var deadlines = await DeadlinesAsync(state, ct);
        state.AcknowledgeDueAt = await calculator.DueAsync(state.FacilityId, from, deadlines.Acknowledge, ct);
    }

    /// <summary>Who holds the level for this case; at the executive level of a critical case, the compliance contact too.</summary>
    public async Task<IReadOnlyList<StaffRecipient>> RecipientsAsync(EscalationState state, EscalationLevel level, CancellationToken ct)
    {
        var recipients = (await directory.ResolveRecipientsAsync(state.FacilityId, state.DepartmentId, state.UnitId, level, ct)).ToList();
        if (level == EscalationLevel.Executive && state.IsCritical && await directory.ComplianceContactAsync(state.FacilityId, ct) is { } compliance
            && recipients.All(r => r.PersonId != compliance.PersonId))
        {
            recipients.Add(compliance);
        }

        return recipients;
    }
}
