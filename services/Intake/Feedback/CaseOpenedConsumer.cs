using MassTransit;
using PatientExperience.Contracts.Case;
using PatientExperience.Storage;

namespace PatientExperience.Intake.Feedback;

/// <summary>Links a submission to the case opened for it. Idempotent: a redelivered CaseOpened changes nothing.</summary>
public sealed class CaseOpenedConsumer(SubmissionStore store) : IConsumer<CaseOpened>
{
    public async Task Consume(ConsumeContext<CaseOpened> context)
    {
        var stored = await store.GetAsync(context.Message.SubmissionId, context.CancellationToken);
        if (stored is null) return; // Not one of ours (a case opened from a survey, say).
        if (!stored.Document.LinkCase(context.Message.CaseId)) return;
        // A concurrent change raises ConcurrencyConflictException: the retry policy reads again and re-applies.
        await store.UpdateAsync(stored, context.CancellationToken);
    }
}
