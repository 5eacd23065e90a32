using MassTransit;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Case.Complainants;

/// <summary>
/// Gives every opened case its complainant's status page: a new token (stored hashed, and encrypted for later notices) and, in
/// the same write, <see cref="SendComplainantMessage"/> asking the notification service to acknowledge the concern with the
/// link. Idempotent: a case has one thread, so a redelivered CaseOpened issues nothing new and sends nothing again.
/// </summary>
public sealed partial class StatusPageIssuer(ComplainantThreadStore threads, CasePhiProtector phi, IOptions<ComplainantsOptions> options, TimeProvider clock, ILogger<StatusPageIssuer> logger)
    : IConsumer<CaseOpened>
{
    public async Task Consume(ConsumeContext<CaseOpened> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (await threads.GetAsync(m.CaseId, ct) is not null) return;
        var now = clock.GetUtcNow();
        var token = StatusToken.New();
        var thread = new ComplainantThread
        {
            CaseId = m.CaseId, CaseNumber = m.CaseNumber, SubmissionId = m.SubmissionId, FacilityId = m.FacilityId,
            TokenHash = StatusToken.Hash(token), ProtectedToken = phi.Protect(token, ComplainantThread.RecordOf(m.CaseId)), IssuedAt = now,
        };
        var acknowledgement = new SendComplainantMessage
        {
            MessageId = NewId.NextGuid(), Kind = ComplainantMessageKind.Acknowledgement, CaseId = m.CaseId, CaseNumber = m.CaseNumber,
            SubmissionId = m.SubmissionId, DischargeId = m.DischargeId, FacilityId = m.FacilityId, Severity = m.Severity, StatusLink = options.Value.LinkFor(token), RequestedAt = now,
        };
        if (await threads.TryAddAsync(thread, [acknowledgement], now, ct)) LogIssued(logger, m.CaseId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Status page issued for case {CaseId}; acknowledgement requested")]
    private static partial void LogIssued(ILogger logger, Guid caseId);
}
