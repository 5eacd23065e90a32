using System.Text.Json.Serialization;

namespace PatientExperience.Reporting.Projections;

/// <summary>
/// Counts that add up: what one subject (a case, a submission, a discharge, an invitation, a delivery) contributes to one
/// day of one unit, and, summed, what a day, a period or a facility holds. Zeros are not stored.
/// </summary>
public sealed class Measures
{
    private const JsonIgnoreCondition Skip = JsonIgnoreCondition.WhenWritingDefault;

    [JsonIgnore(Condition = Skip)] public long FeedbackTotal { get; set; }
    [JsonIgnore(Condition = Skip)] public long FeedbackComplaints { get; set; }
    [JsonIgnore(Condition = Skip)] public long FeedbackGrievances { get; set; }
    [JsonIgnore(Condition = Skip)] public long FeedbackCompliments { get; set; }
    [JsonIgnore(Condition = Skip)] public long FeedbackSuggestions { get; set; }
    [JsonIgnore(Condition = Skip)] public long FeedbackQuestions { get; set; }

    /// <summary>Cases opened that day, and of them classified complaint or grievance.</summary>
    [JsonIgnore(Condition = Skip)] public long CasesOpened { get; set; }
    [JsonIgnore(Condition = Skip)] public long ComplaintCases { get; set; }
    [JsonIgnore(Condition = Skip)] public long GrievanceCases { get; set; }

    /// <summary>Cases first acknowledged that day.</summary>
    [JsonIgnore(Condition = Skip)] public long Acknowledged { get; set; }
    /// <summary>Cases first resolved that day.</summary>
    [JsonIgnore(Condition = Skip)] public long Resolved { get; set; }

    /// <summary>SLA outcomes, counted on the day they became known (the acknowledgement, letter or resolution; or the breach).</summary>
    [JsonIgnore(Condition = Skip)] public long AcknowledgedOnTime { get; set; }
    [JsonIgnore(Condition = Skip)] public long AcknowledgedLate { get; set; }
    [JsonIgnore(Condition = Skip)] public long InterimNoticeOnTime { get; set; }
    [JsonIgnore(Condition = Skip)] public long InterimNoticeLate { get; set; }
    [JsonIgnore(Condition = Skip)] public long ResponseOnTime { get; set; }
    [JsonIgnore(Condition = Skip)] public long ResponseLate { get; set; }

    /// <summary>Cases that reached the level for the first time that day.</summary>
    [JsonIgnore(Condition = Skip)] public long EscalatedToDepartment { get; set; }
    [JsonIgnore(Condition = Skip)] public long EscalatedToExecutive { get; set; }

    [JsonIgnore(Condition = Skip)] public long Discharges { get; set; }

    /// <summary>Invitations issued that day, and of them the ones answered (whenever the answer came).</summary>
    [JsonIgnore(Condition = Skip)] public long InvitationsIssued { get; set; }
    [JsonIgnore(Condition = Skip)] public long InvitationsAnswered { get; set; }

    /// <summary>Responses received that day, and their NPS answers (promoters 9-10, passives 7-8, detractors 0-6).</summary>
    [JsonIgnore(Condition = Skip)] public long Responses { get; set; }
    [JsonIgnore(Condition = Skip)] public long Promoters { get; set; }
    [JsonIgnore(Condition = Skip)] public long Passives { get; set; }
    [JsonIgnore(Condition = Skip)] public long Detractors { get; set; }

    /// <summary>Responses that asked for service recovery (LowSatisfactionDetected), by the day detected.</summary>
    [JsonIgnore(Condition = Skip)] public long ServiceRecoveryRequested { get; set; }

    /// <summary>Service-recovery cases (CaseOpened with source survey) opened that day, and first resolved that day.</summary>
    [JsonIgnore(Condition = Skip)] public long ServiceRecoveryOpened { get; set; }
    [JsonIgnore(Condition = Skip)] public long ServiceRecoveryResolved { get; set; }

    [JsonIgnore(Condition = Skip)] public long NotificationsDelivered { get; set; }
    [JsonIgnore(Condition = Skip)] public long NotificationsFailed { get; set; }

    /// <summary>Seconds from opening to first acknowledgement of the cases acknowledged that day, as a histogram.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DurationHistogram? AcknowledgeSeconds { get; set; }

    /// <summary>Seconds from opening to first resolution of the cases resolved that day, as a histogram.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DurationHistogram? ResolveSeconds { get; set; }

    /// <summary>The number of cases or responses behind these counts: what small-cell suppression looks at.</summary>
    [JsonIgnore] public long CellSize => Math.Max(Math.Max(CasesOpened, FeedbackTotal), Math.Max(Responses, Math.Max(Acknowledged, Resolved)));

    /// <summary>Whether every count is zero and there is no duration (what a group whose subjects all moved away holds).</summary>
    [JsonIgnore]
    public bool IsEmpty =>
        FeedbackTotal == 0 && FeedbackComplaints == 0 && FeedbackGrievances == 0 && FeedbackCompliments == 0 &&
        FeedbackSuggestions == 0 && FeedbackQuestions == 0 && CasesOpened == 0 && ComplaintCases == 0 &&
        GrievanceCases == 0 && Acknowledged == 0 && Resolved == 0 && AcknowledgedOnTime == 0 &&
        AcknowledgedLate == 0 && InterimNoticeOnTime == 0 && InterimNoticeLate == 0 && ResponseOnTime == 0 &&
        ResponseLate == 0 && EscalatedToDepartment == 0 && EscalatedToExecutive == 0 && Discharges == 0 &&
        InvitationsIssued == 0 && InvitationsAnswered == 0 && Responses == 0 && Promoters == 0 &&
        Passives == 0 && Detractors == 0 && ServiceRecoveryRequested == 0 && ServiceRecoveryOpened == 0 &&
        ServiceRecoveryResolved == 0 && NotificationsDelivered == 0 && NotificationsFailed == 0 &&
        AcknowledgeSeconds is null && ResolveSeconds is null;

    public void Add(Measures other) => Add(other, 1);

    /// <summary>Adds (sign 1) or takes away (sign -1) another set of measures.</summary>
    public void Add(Measures other, int sign)
    {
        FeedbackTotal += sign * other.FeedbackTotal;
        FeedbackComplaints += sign * other.FeedbackComplaints;
        FeedbackGrievances += sign * other.FeedbackGrievances;
        FeedbackCompliments += sign * other.FeedbackCompliments;
        FeedbackSuggestions += sign * other.FeedbackSuggestions;
        FeedbackQuestions += sign * other.FeedbackQuestions;
        CasesOpened += sign * other.CasesOpened;
        ComplaintCases += sign * other.ComplaintCases;
        GrievanceCases += sign * other.GrievanceCases;
        Acknowledged += sign * other.Acknowledged;
        Resolved += sign * other.Resolved;
        AcknowledgedOnTime += sign * other.AcknowledgedOnTime;
        AcknowledgedLate += sign * other.AcknowledgedLate;
        InterimNoticeOnTime += sign * other.InterimNoticeOnTime;
        InterimNoticeLate += sign * other.InterimNoticeLate;
        ResponseOnTime += sign * other.ResponseOnTime;
        ResponseLate += sign * other.ResponseLate;
        EscalatedToDepartment += sign * other.EscalatedToDepartment;
        EscalatedToExecutive += sign * other.EscalatedToExecutive;
        Discharges += sign * other.Discharges;
        InvitationsIssued += sign * other.InvitationsIssued;
        InvitationsAnswered += sign * other.InvitationsAnswered;
        Responses += sign * other.Responses;
        Promoters += sign * other.Promoters;
        Passives += sign * other.Passives;
        Detractors += sign * other.Detractors;
        ServiceRecoveryRequested += sign * other.ServiceRecoveryRequested;
        ServiceRecoveryOpened += sign * other.ServiceRecoveryOpened;
        ServiceRecoveryResolved += sign * other.ServiceRecoveryResolved;
        NotificationsDelivered += sign * other.NotificationsDelivered;
        NotificationsFailed += sign * other.NotificationsFailed;
        if (other.AcknowledgeSeconds is { } ack) AcknowledgeSeconds = DurationHistogram.Combine(AcknowledgeSeconds, ack, sign);
        if (other.ResolveSeconds is { } resolve) ResolveSeconds = DurationHistogram.Combine(ResolveSeconds, resolve, sign);
    }
}
