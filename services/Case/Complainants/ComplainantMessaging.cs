using System.Security.Claims;
using MassTransit;
using Microsoft.Extensions.Options;
using PatientExperience.Case.Audit;
using PatientExperience.Case.Cases;
using PatientExperience.Case.Sla;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Notification;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;

namespace PatientExperience.Case.Complainants;

/// <summary>A message as the complainant's page shows it: who (complainant or staff, never a name), when, what.</summary>
public sealed record PublicMessageView(string From, DateTimeOffset At, string Text);

/// <summary>The complainant's status page: the case number, its stage, when a response is due, when it last moved, and the messages.</summary>
public sealed record StatusPageView(string CaseNumber, string Stage, DateTimeOffset? ExpectedResponseBy, DateTimeOffset LastUpdatedAt, IReadOnlyList<PublicMessageView> Messages);

/// <summary>A message as staff see it: with the member of staff who wrote a reply.</summary>
public sealed record CaseMessageView(Guid Id, string From, string? StaffId, DateTimeOffset At, string Text);

/// <summary>
/// The secure messages of a case's status page: writing them encrypted with the notices they cause (the advocate is told a
/// message arrived, the complainant that staff replied, neither what it says), reading them with an audit entry, and the
/// status page's facts.
/// </summary>
public sealed class ComplainantMessaging(
    CasePhiProtector phi, CaseAuditLog audit, IStaffLookup staff, ISlaPolicies policies, IDeadlineCalculator deadlines, IOptions<ComplainantsOptions> options)
{
    /// <summary>The actor the audit log records for a read or a message through a status page link (the link is the credential: no name).</summary>
    public const string ComplainantActor = "complainant via status link";

    /// <summary>The audit action of a message the complainant sends through the status page.</summary>
    public const string ComplainantMessageAction = "case.message-from-complainant";

    private static readonly ClaimsPrincipal Complainant = new(new ClaimsIdentity([new Claim("sub", ComplainantActor)]));

    public ComplainantsOptions Options => options.Value;

    /// <summary>Records in the case's audit chain that the complainant wrote to the case team (the client address and correlation id come with it).</summary>
    public Task AuditMessageAsync(CaseFile c, CancellationToken ct) => audit.RecordAsync(Complainant, ComplainantMessageAction, c.Id, c.FacilityId, ct);

    public async Task<StatusPageView> StatusPageAsync(ComplainantThread thread, CaseFile c, CancellationToken ct)
    {
        if (thread.Messages.Count > 0) await audit.RecordAsync(Complainant, "case.messages.read-by-complainant", c.Id, c.FacilityId, ct);
        var stage = ComplainantStages.For(c.Status);
        var lastUpdated = new[] { c.History.LastOrDefault()?.At ?? c.OpenedAt, thread.Messages.LastOrDefault()?.At ?? c.OpenedAt }.Max();
        var messages = thread.Messages.Select(m => new PublicMessageView(m.From.ToWire(), m.At, phi.Unprotect(m.ProtectedText, thread.Record))).ToList();
        return new StatusPageView(c.CaseNumber, stage.ToWire(), await ExpectedResponseByAsync(c, stage, ct), lastUpdated, messages);
    }

    /// <summary>When the facility's SLA policy (the version the case opened under) says a response is due, while one is still to come.</summary>
    private async Task<DateTimeOffset?> ExpectedResponseByAsync(CaseFile c, ComplainantStage stage, CancellationToken ct)
    {
        if (stage is not (ComplainantStage.Received or ComplainantStage.BeingLookedInto)) return null;
        SlaPolicy policy;
        try
        {
            policy = await policies.VersionAsync(c.FacilityId, c.SlaPolicyVersion, ct);
        }
        catch (KeyNotFoundException)
        {
            policy = await policies.CurrentAsync(c.FacilityId, ct);
        }

        // Cases reopened before ReopenedAt existed carry the reopening only in their timeline.
        var from = c.ReopenedAt ?? c.History.LastOrDefault(h => h.Action == "reopened")?.At ?? c.OpenedAt;
        return await deadlines.DueAsync(c.FacilityId, from, policy.For(c.Severity).Response, ct);
    }

    public async Task<IReadOnlyList<CaseMessageView>> ReadForStaffAsync(ClaimsPrincipal user, ComplainantThread? thread, Guid caseId, string facilityId, CancellationToken ct)
    {
        if (thread is null || thread.Messages.Count == 0) return [];
        await audit.RecordAsync(user, "case.messages.read", caseId, facilityId, ct);
        return thread.Messages.Select(m => new CaseMessageView(m.Id, m.From.ToWire(), m.StaffId, m.At, phi.Unprotect(m.ProtectedText, thread.Record))).ToList();
    }

    public SecureMessage NewMessage(ComplainantThread thread, SecureMessageSender from, string? staffId, string text, string? idempotencyKey, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), now, from, staffId, phi.Protect(text, thread.Record), idempotencyKey);

    /// <summary>Tells the case's advocate (else the unit level) that the complainant wrote; the message says where, not what.</summary>
    public async Task<SendNotification> AdvocateNoticeAsync(CaseFile c, SecureMessage message, CancellationToken ct)
    {
        var advocate = c.AssigneeId is { } id ? await staff.FindAsync(c.FacilityId, id, ct) : null;
        return new SendNotification
        {
            NotificationId = message.Id, FacilityId = c.FacilityId, CaseId = c.Id, Severity = c.Severity,
            Title = $"New message from the complainant on case {c.CaseNumber}",
            Message = $"The complainant of case {c.CaseNumber} sent a secure message. Open the case to read and answer it.",
            Recipients = advocate is null ? [] : [advocate], Level = advocate is null ? EscalationLevel.Unit : null,
            RequestedBy = "case-service", RequestedAt = message.At,
        };
    }

    /// <summary>Gives the complainant their new link after staff reissued a revoked one (the message id: one per reissue).</summary>
    public SendComplainantMessage ReissueNotice(ComplainantThread thread, CaseFile c, string token, Guid messageId) => new()
    {
        MessageId = messageId, Kind = ComplainantMessageKind.LinkReissued, CaseId = c.Id, CaseNumber = c.CaseNumber, SubmissionId = c.SubmissionId,
        DischargeId = c.DischargeId, FacilityId = c.FacilityId, Severity = c.Severity, StatusLink = options.Value.LinkFor(token), RequestedAt = thread.IssuedAt,
    };

    /// <summary>Tells the complainant that staff replied, with the link to their page (never the reply itself).</summary>
    public SendComplainantMessage ReplyNotice(ComplainantThread thread, CaseFile c, SecureMessage message) => new()
    {
        MessageId = message.Id, Kind = ComplainantMessageKind.StaffReply, CaseId = c.Id, CaseNumber = c.CaseNumber, SubmissionId = c.SubmissionId,
        DischargeId = c.DischargeId, FacilityId = c.FacilityId, Severity = c.Severity, StatusLink = options.Value.LinkFor(phi.Unprotect(thread.ProtectedToken, thread.Record)), RequestedAt = message.At,
    };
}
