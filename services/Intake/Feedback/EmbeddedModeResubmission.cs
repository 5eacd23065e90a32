using PatientExperience.Storage;

namespace PatientExperience.Intake.Feedback;

/// <summary>
/// The embedded mode's recovery from a crash (<c>kill -9</c>). With the in-memory transport a message handed to the bus lives
/// only in this process, and the relay removes an outbox row as soon as the in-process bus has it: a crash before the case
/// service has committed loses that FeedbackSubmitted, though the concern was answered 202. So at start-up, every
/// submission still waiting for its case (status received; compliments open none) has its FeedbackSubmitted written to
/// the outbox again, and the relay publishes it; the case service opens one case per submission however often it
/// arrives, so a submission whose case exists (its CaseOpened lost the same way) gets no second one. Registered only in
/// the embedded mode: over RabbitMQ a published message is durable and nothing is re-sent.
/// </summary>
internal sealed partial class EmbeddedModeResubmission(SubmissionStore submissions, TimeProvider clock, ILogger<EmbeddedModeResubmission> logger) : IHostedService
{
    private const int PageSize = 500;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var resubmitted = 0;
        // Each page is read again from the start: a submission written back keeps its status, so paging moves on by number.
        for (var page = 1; ; page++)
        {
            var awaiting = await submissions.AwaitingCaseAsync(page, PageSize, cancellationToken);
            foreach (var stored in awaiting.Where(s => !s.Document.IsCompliment))
            {
                try
                {
                    await submissions.RepublishAsync(stored, clock.GetUtcNow(), cancellationToken);
                    resubmitted++;
                }
                catch (ConcurrencyConflictException)
                {
                    // Its case was linked meanwhile: nothing to re-send.
                }
            }

            if (awaiting.Count < PageSize) break;
        }

        if (resubmitted > 0) LogResubmitted(logger, resubmitted);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded mode: {Count} submissions had no case yet at start-up; their FeedbackSubmitted is published again")]
    private static partial void LogResubmitted(ILogger logger, int count);
}
