using MassTransit;
using PatientExperience.Case.Cases;

namespace PatientExperience.Case.Escalation;

/// <summary>
/// Keeps the case document's escalation level, next deadline and SLA state in step with its escalation saga, so the worklist
/// can filter and sort on them. Idempotent and order-safe: an update older than the last one applied changes nothing.
/// </summary>
public sealed class EscalationStatusProjection(CaseStore cases, TimeProvider clock) : IConsumer<EscalationStatusChanged>
{
    public async Task Consume(ConsumeContext<EscalationStatusChanged> context)
    {
        var m = context.Message;
        var stored = await cases.GetAsync(m.CaseId, context.CancellationToken);
        if (stored is null) throw new InvalidOperationException($"Case {m.CaseId} not found for its escalation status; retrying.");
        if (!stored.Document.ApplyEscalation(m.Sequence, m.Level, m.NextDeadline, m.NextDeadlineKind, m.SlaState, m.HistoryAction, m.HistoryDetail, m.At)) return;
        // A concurrent staff action raises ConcurrencyConflictException: the retry policy reads the case again and re-applies.
        await cases.SaveAsync(stored.Document, stored.Version, [], clock.GetUtcNow(), context.CancellationToken);
    }
}
