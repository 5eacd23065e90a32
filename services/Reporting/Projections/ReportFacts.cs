using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Reporting.Projections;

/// <summary>
/// What reporting knows about one subject (a case, a submission, a discharge, an invitation, a notification delivery), merged
/// from every event about it. Every merge is idempotent and commutative (a first time is the earliest seen, a last time the
/// latest, an attribute the one its authoritative event gives), so duplicates change nothing and the order events arrive in
/// does not matter: the same events give the same fact. Ids, places, vocabulary and times only: never PHI.
/// </summary>
public abstract class ReportFact
{
    public required string FacilityId { get; set; }

    /// <summary>The days (<see cref="DayKey.Id"/>) this fact has written entries to and not yet withdrawn.</summary>
    public List<string> Placements { get; set; } = [];

    /// <summary>What the fact contributes to each unit's day, at most one contribution per day.</summary>
    public abstract IReadOnlyList<Contribution> Contributions();

    internal static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    internal static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>Folds contributions to the same day into one.</summary>
    protected static IReadOnlyList<Contribution> PerDay(SubjectAttributes attributes, params (DayKey? Day, Action<Measures> Apply)[] parts)
    {
        var byDay = new Dictionary<DayKey, Measures>();
        foreach (var (day, apply) in parts)
        {
            if (day is null) continue;
            if (!byDay.TryGetValue(day, out var measures)) byDay[day] = measures = new Measures();
            apply(measures);
        }

        return byDay.Select(d => new Contribution(d.Key, d.Value, attributes)).ToList();
    }
}

/// <summary>A case, from CaseOpened (its place, classification and opening) and every later case event.</summary>
public sealed class CaseFact : ReportFact
{
    public required string CaseId { get; set; }
    public string? DepartmentId { get; set; }
    public string? UnitId { get; set; }
    public string? Category { get; set; }
    public FeedbackChannel? Channel { get; set; }
    public FeedbackKind? Kind { get; set; }
    /// <summary>feedback or survey (a service-recovery case), from CaseOpened; null until it arrives (a later event may come first).</summary>
    public CaseSource? Source { get; set; }
    public CaseType? Classification { get; set; }
    public Severity? Severity { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? FirstAcknowledgedAt { get; set; }
    public DateTimeOffset? FirstResolvedAt { get; set; }
    public DateTimeOffset? LastResolvedAt { get; set; }
    public DateTimeOffset? LastClosedAt { get; set; }
    public DateTimeOffset? LastReopenedAt { get; set; }
    /// <summary>The first letter of either kind: it stops the interim notice clock.</summary>
    public DateTimeOffset? FirstLetterAt { get; set; }
    public DateTimeOffset? FirstFinalLetterAt { get; set; }
    public DateTimeOffset? AcknowledgeBreachedAt { get; set; }
    public DateTimeOffset? ResponseBreachedAt { get; set; }
    /// <summary>When the interim notice fell due with none sent (InterimNoticeDue): the interim notice was late.</summary>
    public DateTimeOffset? InterimNoticeMissedAt { get; set; }
    public DateTimeOffset? EscalatedToDepartmentAt { get; set; }
    public DateTimeOffset? EscalatedToExecutiveAt { get; set; }

    /// <summary>
    /// Until when the case counts as open: its last resolution or closing when that came after its last reopening, else
    /// <see cref="DateTimeOffset.MaxValue"/> (indexed: the backlog at an instant is the cases opened before it and open until after it).
    /// </summary>
    public DateTimeOffset OpenUntil { get; set; } = DateTimeOffset.MaxValue;

    public void Settle()
    {
        var settled = Latest(LastResolvedAt, LastClosedAt);
        OpenUntil = settled is { } s && (LastReopenedAt is null || s > LastReopenedAt) ? s : DateTimeOffset.MaxValue;
    }

    public override IReadOnlyList<Contribution> Contributions()
    {
        DayKey? On(DateTimeOffset? at) => at is { } t ? DayKey.Of(FacilityId, DepartmentId, UnitId, t) : null;
        var attributes = new SubjectAttributes(Category, Channel is { } c ? Wire.ToWire(c) : null, Severity is { } s ? Wire.ToWire(s) : null);
        var ackBreached = AcknowledgeBreachedAt is not null;
        var responseBreached = ResponseBreachedAt is not null;
        var responded = Earliest(FirstResolvedAt, FirstFinalLetterAt);
        var serviceRecovery = Source == CaseSource.Survey;
        return PerDay(attributes,
            (On(OpenedAt), m =>
            {
                m.CasesOpened = 1;
                m.ComplaintCases = Classification == CaseType.Complaint ? 1 : 0;
                m.GrievanceCases = Classification == CaseType.Grievance ? 1 : 0;
                m.ServiceRecoveryOpened = serviceRecovery ? 1 : 0;
            }),
            (On(FirstAcknowledgedAt), m =>
            {
                m.Acknowledged = 1;
                if (OpenedAt is { } opened) m.AcknowledgeSeconds = DurationHistogram.Of(Seconds(opened, FirstAcknowledgedAt!.Value));
                if (!ackBreached) m.AcknowledgedOnTime = 1;
            }),
            (On(AcknowledgeBreachedAt), m => m.AcknowledgedLate = 1),
            (On(FirstResolvedAt), m =>
            {
                m.Resolved = 1;
                m.ServiceRecoveryResolved = serviceRecovery ? 1 : 0;
                if (OpenedAt is { } opened) m.ResolveSeconds = DurationHistogram.Of(Seconds(opened, FirstResolvedAt!.Value));
            }),
            (responseBreached ? null : On(responded), m => m.ResponseOnTime = 1),
            (On(ResponseBreachedAt), m => m.ResponseLate = 1),
            (InterimNoticeMissedAt is null ? On(FirstLetterAt) : null, m => m.InterimNoticeOnTime = 1),
            (On(InterimNoticeMissedAt), m => m.InterimNoticeLate = 1),
            (On(EscalatedToDepartmentAt), m => m.EscalatedToDepartment = 1),
            (On(EscalatedToExecutiveAt), m => m.EscalatedToExecutive = 1));
    }

    private static double Seconds(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (to - from).TotalSeconds);
}

/// <summary>A submission, from FeedbackSubmitted or ComplimentReceived: counted on the day it came in, by the kind it came as.</summary>
public sealed class SubmissionFact : ReportFact
{
    public required string SubmissionId { get; set; }
    public string? DepartmentId { get; set; }
    public string? UnitId { get; set; }
    public FeedbackChannel? Channel { get; set; }
    public FeedbackKind? Kind { get; set; }
    /// <summary>The most likely category intake's screening found (a word of the taxonomy, never the text).</summary>
    public string? Category { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }

    public override IReadOnlyList<Contribution> Contributions() =>
        PerDay(new SubjectAttributes(Category, Channel is { } c ? Wire.ToWire(c) : null, null),
            (SubmittedAt is { } at ? DayKey.Of(FacilityId, DepartmentId, UnitId, at) : null, m =>
            {
                m.FeedbackTotal = 1;
                m.FeedbackComplaints = Kind == FeedbackKind.Complaint ? 1 : 0;
                m.FeedbackGrievances = Kind == FeedbackKind.Grievance ? 1 : 0;
                m.FeedbackCompliments = Kind == FeedbackKind.Compliment ? 1 : 0;
                m.FeedbackSuggestions = Kind == FeedbackKind.Suggestion ? 1 : 0;
                m.FeedbackQuestions = Kind == FeedbackKind.Question ? 1 : 0;
            }));
}

/// <summary>A discharge (PatientDischarged): the denominator of rates per 1,000 discharges.</summary>
public sealed class DischargeFact : ReportFact
{
    public required string DischargeId { get; set; }
    public string? DepartmentId { get; set; }
    public string? UnitId { get; set; }
    public DateTimeOffset DischargedAt { get; set; }

    public override IReadOnlyList<Contribution> Contributions() =>
        PerDay(SubjectAttributes.None, (DayKey.Of(FacilityId, DepartmentId, UnitId, DischargedAt), m => m.Discharges = 1));
}

/// <summary>
/// A survey invitation, from SurveyInvitationIssued, SurveyResponseReceived (which repeats when the invitation was issued) and
/// LowSatisfactionDetected: issued on one day, answered (NPS) on another.
/// </summary>
public sealed class InvitationFact : ReportFact
{
    public required string InvitationId { get; set; }
    public string? DepartmentId { get; set; }
    public string? UnitId { get; set; }
    public DateTimeOffset? IssuedAt { get; set; }
    public DateTimeOffset? RespondedAt { get; set; }
    public int? Nps { get; set; }
    public DateTimeOffset? LowSatisfactionAt { get; set; }

    public override IReadOnlyList<Contribution> Contributions()
    {
        DayKey? On(DateTimeOffset? at) => at is { } t ? DayKey.Of(FacilityId, DepartmentId, UnitId, t) : null;
        return PerDay(SubjectAttributes.None,
            (On(IssuedAt), m =>
            {
                m.InvitationsIssued = 1;
                m.InvitationsAnswered = RespondedAt is null ? 0 : 1;
            }),
            (On(RespondedAt), m =>
            {
                m.Responses = 1;
                m.Promoters = Nps is >= 9 ? 1 : 0;
                m.Passives = Nps is 7 or 8 ? 1 : 0;
                m.Detractors = Nps is >= 0 and <= 6 ? 1 : 0;
            }),
            (On(LowSatisfactionAt), m => m.ServiceRecoveryRequested = 1));
    }
}

/// <summary>A notification delivery's outcome (NotificationDelivered or NotificationFailed), per facility.</summary>
public sealed class DeliveryFact : ReportFact
{
    public required string DeliveryId { get; set; }
    public string? Channel { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }

    public override IReadOnlyList<Contribution> Contributions()
    {
        DayKey? On(DateTimeOffset? at) => at is { } t ? DayKey.Of(FacilityId, null, null, t) : null;
        // No attributes: a notification channel is not a feedback channel, and series group by the latter.
        return PerDay(SubjectAttributes.None,
            (On(DeliveredAt), m => m.NotificationsDelivered = 1),
            (On(FailedAt), m => m.NotificationsFailed = 1));
    }
}
