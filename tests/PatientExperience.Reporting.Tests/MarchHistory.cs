using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Reporting.Tests;

/// <summary>
/// A known month at Riverside (and a little of Hillcrest, which Riverside's numbers must never include), with the KPIs of
/// March 2026 worked out by hand beside each event. Every event is published in the order given; the out-of-order ones
/// (an acknowledgement before its case opened, a response before its invitation) are deliberate.
/// </summary>
public static class MarchHistory
{
    public const string Riverside = "riverside";
    public const string Hillcrest = "hillcrest";

    public static readonly Guid C1 = Id(1), C2 = Id(2), C3 = Id(3), C4 = Id(4), C5 = Id(5), C6 = Id(6), HillcrestCase = Id(7);

    private static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    private static DateTimeOffset At(int month, int day, int hour = 0, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    public static IReadOnlyList<object> Events()
    {
        var events = new List<object>();

        // 40 discharges from ward 4 in March (the denominator), 10 in February (outside the period).
        for (var i = 0; i < 40; i++) events.Add(Discharge(At(3, 1 + i % 28, 9)));
        for (var i = 0; i < 10; i++) events.Add(Discharge(At(2, 10, 9)));

        // Feedback in March: 2 complaints, 1 grievance, 1 compliment (as ComplimentReceived), 1 suggestion, 1 question, 1 without a kind.
        FeedbackKind?[] kinds = [FeedbackKind.Complaint, FeedbackKind.Grievance, FeedbackKind.Suggestion, FeedbackKind.Question, null, FeedbackKind.Complaint];
        foreach (var kind in kinds) events.Add(Feedback(kind, At(3, 4, 10)));
        events.Add(new ComplimentReceived { SubmissionId = Guid.NewGuid(), FacilityId = Riverside, DepartmentId = "emergency", UnitId = "ed-adult", Channel = FeedbackChannel.Web, SubmittedAt = At(3, 6, 10) });
        events.Add(Feedback(FeedbackKind.Complaint, At(2, 27, 10))); // February

        // C1: a service-recovery complaint (from a survey), acknowledged after 1 h (on time), resolved after 3 days (on time).
        events.Add(Opened(C1, "emergency", "ed-adult", CaseType.Complaint, Severity.Medium, "communication", FeedbackChannel.Web, At(3, 2, 10)) with { Source = CaseSource.Survey, Kind = null });
        events.Add(Acknowledged(C1, At(3, 2, 11)));
        events.Add(Resolved(C1, At(3, 5, 10)));
        // ... then reopened and resolved again: still one resolution, after 3 days.
        events.Add(new CaseReopened { CaseId = C1, FacilityId = Riverside, ReopenedBy = "rg-advocate", ReopenedAt = At(3, 6, 9), Severity = Severity.Medium });
        events.Add(Resolved(C1, At(3, 7, 9)));

        // C2: grievance; the acknowledgement deadline is missed (late), it escalates to the department, is acknowledged after 4 h,
        // its interim notice falls due unsent (late), the response deadline is missed (late), resolved after 22 days.
        events.Add(Opened(C2, "emergency", "ed-adult", CaseType.Grievance, Severity.High, "care", FeedbackChannel.Letter, At(3, 3, 8)));
        events.Add(Breached(C2, DeadlineKind.Acknowledge, At(3, 3, 9)));
        events.Add(Escalated(C2, EscalationLevel.Unit, EscalationLevel.Department, At(3, 3, 9)));
        events.Add(Acknowledged(C2, At(3, 3, 12)));
        events.Add(new InterimNoticeDue { CaseId = C2, FacilityId = Riverside, SubmissionId = Guid.NewGuid(), DueAt = At(3, 10, 8), Severity = Severity.High });
        events.Add(Breached(C2, DeadlineKind.Response, At(3, 20, 8)));
        events.Add(Resolved(C2, At(3, 25, 8)));

        // C3: critical complaint straight to the executive level, acknowledged after 30 min, interim letter (on time), final
        // letter (the response, on time), resolved after 5.5 days.
        events.Add(Opened(C3, "medicine", "ward-4", CaseType.Complaint, Severity.Critical, "safety", FeedbackChannel.Phone, At(3, 10)));
        events.Add(Escalated(C3, null, EscalationLevel.Executive, At(3, 10)));
        events.Add(Acknowledged(C3, At(3, 10, 0, 30)));
        events.Add(Letter(C3, LetterKind.Interim, At(3, 12, 9)));
        events.Add(Letter(C3, LetterKind.Final, At(3, 15, 9)));
        events.Add(Resolved(C3, At(3, 15, 12)));

        // C4: complaint opened on 28 March, untouched: 3.5 days old at the end of March.
        events.Add(Opened(C4, "medicine", "ward-4", CaseType.Complaint, Severity.Low, null, FeedbackChannel.Web, At(3, 28, 12)));

        // C5: a service-recovery grievance opened and acknowledged in February (not opened in March), still open: 39.x days old at the end of March.
        events.Add(Opened(C5, "emergency", "ed-adult", CaseType.Grievance, Severity.Medium, "care", FeedbackChannel.Email, At(2, 20, 10)) with { Source = CaseSource.Survey });
        events.Add(Acknowledged(C5, At(2, 20, 12)));

        // C6: a service-recovery case whose acknowledgement (after 1 h) overtakes its CaseOpened; open at the end of March, under a day old.
        events.Add(Acknowledged(C6, At(3, 31, 21)));
        events.Add(Opened(C6, "emergency", "ed-adult", CaseType.Complaint, Severity.Medium, "communication", FeedbackChannel.Kiosk, At(3, 31, 20)) with { Source = CaseSource.Survey, Kind = null });

        // Hillcrest's case must never show at Riverside.
        events.Add(Opened(HillcrestCase, "emergency", "ed", CaseType.Complaint, Severity.Medium, "communication", FeedbackChannel.Web, At(3, 5, 10), Hillcrest));
        events.Add(Acknowledged(HillcrestCase, At(3, 5, 11), Hillcrest));

        // Surveys: 10 invitations in March, 8 answered with NPS 10, 10, 9, 9, 8, 7, 3, 0 (4 promoters, 2 passives, 2 detractors).
        // The first response overtakes its invitation; the 0 asks for service recovery.
        int[] nps = [10, 10, 9, 9, 8, 7, 3, 0];
        var invitations = Enumerable.Range(0, 10).Select(i => (Id: Guid.NewGuid(), Issued: At(3, 2 + i, 15))).ToList();
        events.Add(Response(invitations[0].Id, invitations[0].Issued, nps[0], At(3, 20, 10)));
        foreach (var (id, issued) in invitations) events.Add(Invitation(id, issued));
        for (var i = 1; i < nps.Length; i++) events.Add(Response(invitations[i].Id, invitations[i].Issued, nps[i], At(3, 20, 10)));
        events.Add(new LowSatisfactionDetected
        {
            ResponseId = Guid.NewGuid(), InvitationId = invitations[7].Id, DischargeId = Guid.NewGuid(), FacilityId = Riverside, DepartmentId = "medicine", UnitId = "ward-4",
            SurveyId = "nps", Language = "en", Reasons = [LowSatisfactionReason.NpsDetractor], Nps = 0, ContactRequested = false, DetectedAt = At(3, 20, 10),
        });
        return events;
    }

    private static PatientDischarged Discharge(DateTimeOffset at) => new()
    {
        DischargeId = Guid.NewGuid(), EncounterId = Guid.NewGuid().ToString("N"), PatientReference = "pr", FacilityId = Riverside, DepartmentId = "medicine",
        UnitId = "ward-4", DischargedAt = at, Deceased = false, AgeBand = "50-64", NoPublicity = false, ReceivedAt = at,
    };

    private static FeedbackSubmitted Feedback(FeedbackKind? kind, DateTimeOffset at) => new()
    {
        SubmissionId = Guid.NewGuid(), FacilityId = Riverside, DepartmentId = "emergency", UnitId = "ed-adult", Channel = FeedbackChannel.Web, Kind = kind,
        ResponseRequested = false, PatientIdentified = true, SubmittedAt = at,
    };

    private static CaseOpened Opened(Guid id, string department, string unit, CaseType type, Severity severity, string? category, FeedbackChannel channel, DateTimeOffset at,
        string facility = Riverside) => new()
    {
        CaseId = id, CaseNumber = $"C-{id.ToString()[^4..]}", SubmissionId = Guid.NewGuid(), FacilityId = facility, DepartmentId = department, UnitId = unit,
        Channel = channel, Kind = type == CaseType.Grievance ? FeedbackKind.Grievance : FeedbackKind.Complaint, Status = CaseStatus.New, OpenedAt = at,
        Classification = type, Severity = severity, Category = category, SlaPolicyVersion = 1,
    };

    private static CaseAcknowledged Acknowledged(Guid id, DateTimeOffset at, string facility = Riverside) =>
        new() { CaseId = id, FacilityId = facility, Level = EscalationLevel.Unit, AcknowledgedBy = "rg-manager", AcknowledgedAt = at };

    private static CaseResolved Resolved(Guid id, DateTimeOffset at) =>
        new() { CaseId = id, FacilityId = Riverside, SubmissionId = Guid.NewGuid(), ResolvedBy = "rg-advocate", ResolvedAt = at, Severity = Severity.Medium };

    private static SlaBreached Breached(Guid id, DeadlineKind deadline, DateTimeOffset at) =>
        new() { CaseId = id, FacilityId = Riverside, Level = EscalationLevel.Unit, Deadline = deadline, DueAt = at, BreachedAt = at, Severity = Severity.High };

    private static CaseEscalated Escalated(Guid id, EscalationLevel? from, EscalationLevel to, DateTimeOffset at) => new()
    {
        CaseId = id, FacilityId = Riverside, FromLevel = from, ToLevel = to, Reason = from is null ? EscalationReason.CriticalSeverity : EscalationReason.DeadlineMissed,
        Severity = Severity.High, EscalatedAt = at,
        Recipients = [new StaffRecipient { PersonId = "rg-head", Name = "A. Head", Role = "department-head", Email = "head@riverside.test" }],
    };

    private static ResponseLetterIssued Letter(Guid id, LetterKind kind, DateTimeOffset at) =>
        new() { CaseId = id, FacilityId = Riverside, SubmissionId = Guid.NewGuid(), LetterId = Guid.NewGuid(), Kind = kind, IssuedBy = "rg-advocate", IssuedAt = at };

    private static SurveyInvitationIssued Invitation(Guid id, DateTimeOffset at) => new()
    {
        InvitationId = id, DischargeId = Guid.NewGuid(), FacilityId = Riverside, DepartmentId = "medicine", UnitId = "ward-4", SurveyId = "nps", SurveyVersion = 1,
        Language = "en", PolicyVersion = 1, IssuedAt = at, ExpiresAt = at.AddDays(42),
    };

    private static SurveyResponseReceived Response(Guid invitationId, DateTimeOffset issued, int nps, DateTimeOffset at) => new()
    {
        ResponseId = Guid.NewGuid(), InvitationId = invitationId, DischargeId = Guid.NewGuid(), FacilityId = Riverside, DepartmentId = "medicine", UnitId = "ward-4",
        SurveyId = "nps", SurveyVersion = 1, Language = "en", AgeBand = "50-64", Nps = nps, ContactRequested = false, OutreachConsent = false,
        InvitationIssuedAt = issued, RespondedAt = at,
    };
}
