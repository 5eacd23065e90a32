using MassTransit;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Survey;
using PatientExperience.Messaging.Outbox;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Survey.Invitations;

/// <summary>
/// An invitation or reminder fell due: <see cref="SurveyInvitation.StepDue"/> decides, and the invitation's new state and the
/// <see cref="SendSurveyInvitation"/> command (plus <see cref="SurveyInvitationIssued"/> the first time) are written together,
/// so the command goes out once through the outbox however often the timer fires.
/// </summary>
public sealed partial class InvitationStepDueConsumer(
    InvitationStore invitations, SurveyPhiProtector phi, TimeProvider clock, IOptions<SurveyOptions> options, ILogger<InvitationStepDueConsumer> logger)
    : IConsumer<InvitationStepDue>
{
    public async Task Consume(ConsumeContext<InvitationStepDue> context)
    {
        var ct = context.CancellationToken;
        var stored = await invitations.GetByDischargeAsync(context.Message.DischargeId, ct);
        if (stored is null) return;
        var now = clock.GetUtcNow();
        var invitation = stored.Document;
        var outcome = invitation.StepDue(context.Message.Step, now, () => options.Value.LinkFor(phi.Unprotect(invitation.ProtectedToken!, invitation.Record)));
        if (outcome.Invitation is null)
        {
            LogSkipped(logger, context.Message.Step, invitation.Id, outcome.Skipped!);
            return;
        }

        var outbox = outcome.Messages.Select(m => OutboxMessages.Create(m, now, m is SendSurveyInvitation send ? send.MessageId : null)).ToList();
        // A conflict (the patient answered, or another replica sent the step meanwhile) throws: the retry reads again and decides again.
        await invitations.ReplaceAsync(outcome.Invitation, stored.Version, outbox, ct);
        SurveyTelemetry.InvitationsSent.Add(1, new KeyValuePair<string, object?>("reminder", context.Message.Step),
            new KeyValuePair<string, object?>("facility", invitation.FacilityId));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Step {Step} of invitation {InvitationId} not sent: {Reason}")]
    private static partial void LogSkipped(ILogger logger, int step, Guid invitationId, string reason);
}
