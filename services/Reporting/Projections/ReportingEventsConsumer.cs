using MassTransit;
using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Notification;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Reporting.Projections;

/// <summary>
/// Projects every event the platform publishes (queue <c>reporting-events</c>) into the read models: each event is merged
/// into the fact of the subject it is about (the case, submission, discharge, invitation or delivery), and the fact's days
/// are brought up to date, together with the other events in hand at the same moment (<see cref="ProjectionBatcher"/>). Events carry ids, places, vocabulary and times only; nothing else is kept (staff recipients'
/// names and contacts on case events are not read).
/// </summary>
public sealed class ReportingEventsConsumer(ProjectionBatcher projections) :
    IConsumer<FeedbackSubmitted>, IConsumer<ComplimentReceived>, IConsumer<PatientDischarged>,
    IConsumer<CaseOpened>, IConsumer<CaseAcknowledged>, IConsumer<CaseAssigned>, IConsumer<CaseEscalated>, IConsumer<SlaBreached>,
    IConsumer<InterimNoticeDue>, IConsumer<ResponseLetterIssued>, IConsumer<CaseResolved>, IConsumer<CaseClosed>, IConsumer<CaseReopened>,
    IConsumer<SurveyInvitationIssued>, IConsumer<SurveyResponseReceived>, IConsumer<LowSatisfactionDetected>,
    IConsumer<NotificationDelivered>, IConsumer<NotificationFailed>
{
    public const string Queue = "reporting-events";

    private static string Key(Guid id) => id.ToString("D");

    private Task Case<T>(ConsumeContext<T> context, Guid caseId, string facilityId, Action<CaseFact> apply) where T : class =>
        Project(context, ReportingStore.Cases, facilityId, Key(caseId), f =>
        {
            var fact = f ?? new CaseFact { CaseId = Key(caseId), FacilityId = facilityId };
            apply(fact);
            return fact;
        });

    private async Task Project<T, TFact>(ConsumeContext<T> context, FactCollection<TFact> kind, string facilityId, string id, Func<TFact?, TFact> merge)
        where T : class where TFact : ReportFact
    {
        await projections.ProjectAsync(kind, facilityId, id, merge, context.CancellationToken);
        ReportingTelemetry.EventsProjected.Add(1, new KeyValuePair<string, object?>("event", typeof(T).Name));
    }

    public Task Consume(ConsumeContext<FeedbackSubmitted> context)
    {
        var m = context.Message;
        return Project(context, ReportingStore.Submissions, m.FacilityId, Key(m.SubmissionId), f =>
        {
            var fact = f ?? new SubmissionFact { SubmissionId = Key(m.SubmissionId), FacilityId = m.FacilityId };
            fact.DepartmentId = m.DepartmentId;
            fact.UnitId = m.UnitId;
            fact.Channel = m.Channel;
            // A compliment is recorded as one whichever of its two events comes first.
            if (fact.Kind != FeedbackKind.Compliment) fact.Kind = m.Kind;
            fact.Category = m.CategoryHints.FirstOrDefault();
            fact.SubmittedAt = m.SubmittedAt;
            return fact;
        });
    }

    public Task Consume(ConsumeContext<ComplimentReceived> context)
    {
        var m = context.Message;
        return Project(context, ReportingStore.Submissions, m.FacilityId, Key(m.SubmissionId), f =>
        {
            var fact = f ?? new SubmissionFact { SubmissionId = Key(m.SubmissionId), FacilityId = m.FacilityId };
            fact.DepartmentId = m.DepartmentId;
            fact.UnitId = m.UnitId;
            fact.Channel = m.Channel;
            fact.Kind = FeedbackKind.Compliment;
            fact.SubmittedAt = m.SubmittedAt;
            return fact;
        });
    }

    public Task Consume(ConsumeContext<PatientDischarged> context)
    {
        var m = context.Message;
        return Project(context, ReportingStore.Discharges, m.FacilityId, Key(m.DischargeId), f =>
            f ?? new DischargeFact { DischargeId = Key(m.DischargeId), FacilityId = m.FacilityId, DepartmentId = m.DepartmentId, UnitId = m.UnitId, DischargedAt = m.DischargedAt });
    }

    /// <summary>CaseOpened is authoritative for the case's place and classification; the later events add times.</summary>
    public Task Consume(ConsumeContext<CaseOpened> context)
    {
        var m = context.Message;
        return Case(context, m.CaseId, m.FacilityId, f =>
        {
            f.FacilityId = m.FacilityId;
            f.DepartmentId = m.DepartmentId;
            f.UnitId = m.UnitId;
            f.Category = m.Category;
            f.Channel = m.Channel;
            f.Kind = m.Kind;
            f.Source = m.Source;
            f.Classification = m.Classification;
            f.Severity = m.Severity;
            f.OpenedAt = m.OpenedAt;
        });
    }

    public Task Consume(ConsumeContext<CaseAcknowledged> context) =>
        Case(context, context.Message.CaseId, context.Message.FacilityId,
            f => f.FirstAcknowledgedAt = ReportFact.Earliest(f.FirstAcknowledgedAt, context.Message.AcknowledgedAt));

    /// <summary>Nothing counted yet (the department a case is assigned to does not move it: it is counted where it was raised).</summary>
    public Task Consume(ConsumeContext<CaseAssigned> context) =>
        Case(context, context.Message.CaseId, context.Message.FacilityId, _ => { });

    public Task Consume(ConsumeContext<CaseEscalated> context)
    {
        var m = context.Message;
        return Case(context, m.CaseId, m.FacilityId, f =>
        {
            if (m.ToLevel == EscalationLevel.Department) f.EscalatedToDepartmentAt = ReportFact.Earliest(f.EscalatedToDepartmentAt, m.EscalatedAt);
            if (m.ToLevel == EscalationLevel.Executive) f.EscalatedToExecutiveAt = ReportFact.Earliest(f.EscalatedToExecutiveAt, m.EscalatedAt);
        });
    }

    public Task Consume(ConsumeContext<SlaBreached> context)
    {
        var m = context.Message;
        return Case(context, m.CaseId, m.FacilityId, f =>
        {
            switch (m.Deadline)
            {
                case DeadlineKind.Acknowledge: f.AcknowledgeBreachedAt = ReportFact.Earliest(f.AcknowledgeBreachedAt, m.BreachedAt); break;
                case DeadlineKind.InterimNotice: f.InterimNoticeMissedAt = ReportFact.Earliest(f.InterimNoticeMissedAt, m.BreachedAt); break;
                case DeadlineKind.Response: f.ResponseBreachedAt = ReportFact.Earliest(f.ResponseBreachedAt, m.BreachedAt); break;
            }
        });
    }

    public Task Consume(ConsumeContext<InterimNoticeDue> context) =>
        Case(context, context.Message.CaseId, context.Message.FacilityId,
            f => f.InterimNoticeMissedAt = ReportFact.Earliest(f.InterimNoticeMissedAt, context.Message.DueAt));

    public Task Consume(ConsumeContext<ResponseLetterIssued> context)
    {
        var m = context.Message;
        return Case(context, m.CaseId, m.FacilityId, f =>
        {
            f.FirstLetterAt = ReportFact.Earliest(f.FirstLetterAt, m.IssuedAt);
            if (m.Kind == LetterKind.Final) f.FirstFinalLetterAt = ReportFact.Earliest(f.FirstFinalLetterAt, m.IssuedAt);
        });
    }

    public Task Consume(ConsumeContext<CaseResolved> context)
    {
        var m = context.Message;
        return Case(context, m.CaseId, m.FacilityId, f =>
        {
            f.FirstResolvedAt = ReportFact.Earliest(f.FirstResolvedAt, m.ResolvedAt);
            f.LastResolvedAt = ReportFact.Latest(f.LastResolvedAt, m.ResolvedAt);
        });
    }

    public Task Consume(ConsumeContext<CaseClosed> context) =>
        Case(context, context.Message.CaseId, context.Message.FacilityId,
            f => f.LastClosedAt = ReportFact.Latest(f.LastClosedAt, context.Message.ClosedAt));

    public Task Consume(ConsumeContext<CaseReopened> context) =>
        Case(context, context.Message.CaseId, context.Message.FacilityId,
            f => f.LastReopenedAt = ReportFact.Latest(f.LastReopenedAt, context.Message.ReopenedAt));

    private Task Invitation<T>(ConsumeContext<T> context, Guid invitationId, string facilityId, string? departmentId, string? unitId, Action<InvitationFact> apply)
        where T : class =>
        Project(context, ReportingStore.Invitations, facilityId, Key(invitationId), f =>
        {
            var fact = f ?? new InvitationFact { InvitationId = Key(invitationId), FacilityId = facilityId };
            fact.DepartmentId ??= departmentId;
            fact.UnitId ??= unitId;
            apply(fact);
            return fact;
        });

    public Task Consume(ConsumeContext<SurveyInvitationIssued> context)
    {
        var m = context.Message;
        return Invitation(context, m.InvitationId, m.FacilityId, m.DepartmentId, m.UnitId, f => f.IssuedAt = m.IssuedAt);
    }

    public Task Consume(ConsumeContext<SurveyResponseReceived> context)
    {
        var m = context.Message;
        return Invitation(context, m.InvitationId, m.FacilityId, m.DepartmentId, m.UnitId, f =>
        {
            f.IssuedAt = m.InvitationIssuedAt;
            f.RespondedAt = m.RespondedAt;
            f.Nps = m.Nps;
        });
    }

    public Task Consume(ConsumeContext<LowSatisfactionDetected> context)
    {
        var m = context.Message;
        return Invitation(context, m.InvitationId, m.FacilityId, m.DepartmentId, m.UnitId,
            f => f.LowSatisfactionAt = ReportFact.Earliest(f.LowSatisfactionAt, m.DetectedAt));
    }

    public Task Consume(ConsumeContext<NotificationDelivered> context)
    {
        var m = context.Message;
        return Project(context, ReportingStore.Deliveries, m.FacilityId, Key(m.DeliveryId), f =>
        {
            var fact = f ?? new DeliveryFact { DeliveryId = Key(m.DeliveryId), FacilityId = m.FacilityId };
            fact.Channel = Wire.ToWire(m.Channel);
            fact.DeliveredAt = ReportFact.Earliest(fact.DeliveredAt, m.DeliveredAt);
            return fact;
        });
    }

    public Task Consume(ConsumeContext<NotificationFailed> context)
    {
        var m = context.Message;
        return Project(context, ReportingStore.Deliveries, m.FacilityId, Key(m.DeliveryId), f =>
        {
            var fact = f ?? new DeliveryFact { DeliveryId = Key(m.DeliveryId), FacilityId = m.FacilityId };
            fact.Channel = Wire.ToWire(m.Channel);
            fact.FailedAt = ReportFact.Earliest(fact.FailedAt, m.FailedAt);
            return fact;
        });
    }
}
