using MassTransit;
using PatientExperience.Case.Cases;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Storage;

namespace PatientExperience.Case.Advocacy;

/// <summary>
/// At a facility whose assignment policy is <c>auto</c>, gives each newly opened case to the advocate
/// <see cref="AdvocateMatcher"/> chooses, with the reason in the timeline and <see cref="CaseAssigned"/> in the same write.
/// Idempotent: a case that already has an assignee (a redelivered CaseOpened, or staff were quicker) is left alone. Cases
/// opened at the same instant never take an advocate past capacity: a place is reserved (<see cref="AdvocateReservations"/>)
/// under the advocate's ledger version before the case is saved.
/// </summary>
public sealed partial class AutoAssignmentConsumer(
    CaseStore cases, AssignmentPolicyStore policies, AdvocateRoster roster, AdvocateReservations reservations, IStaffLookup staff, TimeProvider clock,
    ILogger<AutoAssignmentConsumer> logger)
    : IConsumer<CaseOpened>
{
    public const string Actor = "system";
    private const int MaxAttempts = 20;

    public async Task Consume(ConsumeContext<CaseOpened> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        if (await policies.ModeAsync(m.FacilityId, ct) != AssignmentMode.Auto) return;
        for (var attempt = 0; ; attempt++)
        {
            var stored = await cases.GetAsync(m.CaseId, ct);
            if (stored is null || stored.Document.AssigneeId is not null || !stored.Document.IsOpen) return;
            var c = stored.Document;
            var now = clock.GetUtcNow();
            var match = await roster.MatchAsync(c, now, ct);
            if (match.AdvocateId is not { } advocateId)
            {
                LogNoAdvocate(logger, c.Id, c.FacilityId);
                return;
            }

            // Another case may be taking the advocate's last place at this very moment: reserve it under the ledger's version
            // first; at capacity or a conflict, match again (the other case's reservation now counts).
            var reserved = await reservations.TryReserveAsync(advocateId, await roster.CapacityOfAsync(advocateId, ct), c.Id,
                async () => (await roster.OpenCaseIdsAsync([advocateId], ct))[advocateId], now, ct);
            if (reserved != ReservationOutcome.Reserved)
            {
                if (attempt < MaxAttempts) continue;
                LogNoAdvocate(logger, c.Id, c.FacilityId);
                return;
            }

            var recipient = await staff.FindAsync(c.FacilityId, advocateId, ct);
            var result = c.AssignMatchedAdvocate(Actor, advocateId, match.Reason, recipient is null ? [] : [recipient], now);
            if (!result.Succeeded) return;
            try
            {
                await cases.SaveAsync(c, stored.Version, result.Events, now, ct);
                LogAssigned(logger, c.Id, advocateId);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                // The case changed meanwhile (the saga's status, a staff action): read it again.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId} assigned automatically to advocate {AdvocateId}")]
    private static partial void LogAssigned(ILogger logger, Guid caseId, string advocateId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseId} at {FacilityId}: no advocate is available for automatic assignment; it waits for patient relations")]
    private static partial void LogNoAdvocate(ILogger logger, Guid caseId, string facilityId);
}
