using PatientExperience.Case.Directory;
using PatientExperience.Case.Sla;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Escalation;

/// <summary>
/// What the escalation saga asks of the rest of the case service: the deadlines of the case's SLA policy version, turned into
/// due times in the facility's time zone and calendar, and who holds an escalation level for the case's unit.
/// </summary>
public sealed class EscalationPlanner(ISlaPolicies policies, IDeadlineCalculator calculator, IEscalationDirectory directory, TimeProvider clock)
{
    public DateTimeOffset Now => clock.GetUtcNow();

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
        if (level == EscalationLevel.Executive && state.Severity == Severity.Critical && await directory.ComplianceContactAsync(state.FacilityId, ct) is { } compliance
            && recipients.All(r => r.PersonId != compliance.PersonId))
        {
            recipients.Add(compliance);
        }

        return recipients;
    }
}
