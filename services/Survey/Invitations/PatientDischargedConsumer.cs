using MassTransit;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Intake;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;
using PatientExperience.Survey.Definitions;
using PatientExperience.Survey.Policy;

namespace PatientExperience.Survey.Invitations;

/// <summary>
/// Decides whether a discharge is surveyed (<see cref="Eligibility"/>), records the decision once per discharge, and puts
/// the invitation and its reminders on the durable scheduler. Redelivery finds the recorded decision and schedules the same
/// timers again under the same tokens, which replaces rather than adds: none is lost if the process stopped half-way, none doubled.
/// </summary>
public sealed partial class PatientDischargedConsumer(
    InvitationStore invitations, SurveyPolicyStore policies, DefinitionStore definitions, SurveyPhiProtector phi, TimeProvider clock,
    IOptions<SurveyOptions> options, ILogger<PatientDischargedConsumer> logger) : IConsumer<PatientDischarged>
{
    public async Task Consume(ConsumeContext<PatientDischarged> context)
    {
        var discharge = context.Message;
        var ct = context.CancellationToken;
        var stored = await invitations.GetByDischargeAsync(discharge.DischargeId, ct) ?? await DecideAsync(discharge, ct);
        await InvitationTimers.ScheduleAsync(context, stored.Document);
    }

    private async Task<Stored<SurveyInvitation>> DecideAsync(PatientDischarged discharge, CancellationToken ct)
    {
        using var activity = SurveyTelemetry.Source.StartActivity("survey.decide");
        var now = clock.GetUtcNow();
        var policy = await policies.CurrentAsync(discharge.FacilityId, ct);
        var lastInvited = await invitations.LastInvitedDischargeAsync(discharge.PatientReference, discharge.DischargeId, ct);
        var reason = Eligibility.IneligibleReason(discharge, policy, now, lastInvited);
        var survey = reason is null ? await definitions.CurrentPublishedAsync(policy.SurveyId ?? options.Value.DefaultSurveyId, ct) : null;
        if (reason is null && survey is null) reason = IneligibleReasons.NoSurvey;

        SurveyInvitation invitation;
        if (reason is null)
        {
            var token = SurveyToken.New();
            invitation = SurveyInvitation.Plan(discharge, policy, survey!, phi.Protect(token, SurveyInvitation.RecordOf(SurveyInvitation.IdFor(discharge.DischargeId))), SurveyToken.Hash(token), now);
        }
        else
        {
            invitation = SurveyInvitation.Ineligible(discharge, policy, reason, now);
        }

        try
        {
            var stored = await invitations.InsertAsync(invitation, ct);
            SurveyTelemetry.Discharges.Add(1, new("outcome", reason is null ? "scheduled" : "ineligible"), new("reason", reason ?? "none"));
            activity?.SetTag("survey.outcome", reason ?? "scheduled");
            if (reason is not null) LogIneligible(logger, discharge.DischargeId, reason);
            return stored;
        }
        catch (DuplicateDocumentException)
        {
            // The same discharge, handled at the same moment by another consumer: its decision stands.
            return await invitations.GetByDischargeAsync(discharge.DischargeId, ct)
                ?? throw new InvalidOperationException("The discharge's invitation was recorded and is gone.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Discharge {DischargeId} is not surveyed: {Reason}")]
    private static partial void LogIneligible(ILogger logger, Guid dischargeId, string reason);
}

/// <summary>The internal timer of one invitation step: scheduled durably, consumed by <see cref="InvitationStepDueConsumer"/>. Ids only.</summary>
public sealed record InvitationStepDue
{
    public required Guid DischargeId { get; init; }
    public required int Step { get; init; }
    /// <summary>The scheduling token (<see cref="SurveyInvitation.TimerTokenFor"/>): scheduling the same step again replaces it.</summary>
    public Guid TokenId { get; init; }
}

public static class InvitationTimers
{
    public const string Queue = "survey-invitation-due";

    /// <summary>Schedules every step not yet sent; under the steps' own tokens, so doing it again replaces rather than adds.</summary>
    public static async Task ScheduleAsync(ConsumeContext context, SurveyInvitation invitation)
    {
        if (invitation.Status is not (InvitationStatus.Scheduled or InvitationStatus.Invited)) return;
        var destination = new Uri($"queue:{Queue}");
        foreach (var step in invitation.Steps.Where(s => s.SentAt is null))
        {
            var due = new InvitationStepDue { DischargeId = invitation.DischargeId, Step = step.Number, TokenId = invitation.TimerTokenFor(step.Number) };
            await context.ScheduleSend(destination, step.DueAt.UtcDateTime, due, context.CancellationToken);
        }
    }
}
