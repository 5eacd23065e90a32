using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Reporting.Benchmarks;

/// <summary>An event with the facility and instant it is filed under in the raw-event table.</summary>
public sealed record RawEvent(object Message, string FacilityId, DateTimeOffset At);

/// <summary>
/// A year of a health system, generated from a fixed seed: per facility 4 departments of 3 units; stories of a discharge (1
/// event), a concern that becomes a case (submitted, opened, acknowledged, resolved; a fifth of them miss the acknowledgement
/// deadline and escalate to the department: 4 or 6 events) and a survey (issued, answered by 60%: 1 or 2 events), until the
/// requested number of events.
/// </summary>
public static class EventHistory
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public const int Days = 365;
    private static readonly string[] Categories = ["communication", "care", "safety", "dignity", "billing", "food", "noise", "waiting", "discharge", "medication"];

    public static string Facility(int i) => $"facility-{i + 1:D2}";

    public static List<RawEvent> Generate(int count, int facilities, int seed = 42)
    {
        var random = new Random(seed);
        var events = new List<RawEvent>(count + 8);
        while (events.Count < count)
        {
            var facility = Facility(random.Next(facilities));
            var department = $"dept-{random.Next(4) + 1}";
            var unit = $"{department}-unit-{random.Next(3) + 1}";
            var at = Start.AddSeconds(random.NextDouble() * Days * 86400);
            var story = random.NextDouble();
            if (story < 0.5)
            {
                events.Add(new(new PatientDischarged
                {
                    DischargeId = Guid.NewGuid(), EncounterId = "e", PatientReference = "pr", FacilityId = facility, DepartmentId = department, UnitId = unit,
                    DischargedAt = at, Deceased = false, AgeBand = "50-64", NoPublicity = false, ReceivedAt = at,
                }, facility, at));
            }
            else if (story < 0.75)
            {
                var caseId = Guid.NewGuid();
                var submission = Guid.NewGuid();
                var grievance = random.NextDouble() < 0.2;
                var category = Categories[random.Next(Categories.Length)];
                var channel = (FeedbackChannel)random.Next(3);
                events.Add(new(new FeedbackSubmitted
                {
                    SubmissionId = submission, FacilityId = facility, DepartmentId = department, UnitId = unit, Channel = channel,
                    Kind = grievance ? FeedbackKind.Grievance : FeedbackKind.Complaint, ResponseRequested = true, PatientIdentified = true,
                    SubmittedAt = at, CategoryHints = [category],
                }, facility, at));
                var opened = at.AddMinutes(1);
                events.Add(new(new CaseOpened
                {
                    CaseId = caseId, CaseNumber = "C", SubmissionId = submission, FacilityId = facility, DepartmentId = department, UnitId = unit, Channel = channel,
                    Kind = grievance ? FeedbackKind.Grievance : FeedbackKind.Complaint, Status = CaseStatus.New, OpenedAt = opened,
                    Classification = grievance ? CaseType.Grievance : CaseType.Complaint, Severity = (Severity)random.Next(3), Category = category, SlaPolicyVersion = 1,
                }, facility, opened));
                var late = random.NextDouble() < 0.2;
                if (late)
                {
                    var breached = opened.AddHours(24);
                    events.Add(new(new SlaBreached
                    {
                        CaseId = caseId, FacilityId = facility, Level = EscalationLevel.Unit, Deadline = DeadlineKind.Acknowledge, DueAt = breached, BreachedAt = breached, Severity = Severity.Medium,
                    }, facility, breached));
                    events.Add(new(new CaseEscalated
                    {
                        CaseId = caseId, FacilityId = facility, FromLevel = EscalationLevel.Unit, ToLevel = EscalationLevel.Department, Reason = EscalationReason.DeadlineMissed,
                        Severity = Severity.Medium, EscalatedAt = breached, Recipients = [],
                    }, facility, breached));
                }

                var acknowledged = opened.AddMinutes(late ? 1500 + random.Next(600) : 10 + random.Next(1200));
                events.Add(new(new CaseAcknowledged { CaseId = caseId, FacilityId = facility, Level = EscalationLevel.Unit, AcknowledgedBy = "staff", AcknowledgedAt = acknowledged }, facility, acknowledged));
                var resolved = acknowledged.AddHours(4 + random.Next(24 * 20));
                events.Add(new(new CaseResolved { CaseId = caseId, FacilityId = facility, SubmissionId = submission, ResolvedBy = "staff", ResolvedAt = resolved, Severity = Severity.Medium }, facility, resolved));
            }
            else
            {
                var invitation = Guid.NewGuid();
                events.Add(new(new SurveyInvitationIssued
                {
                    InvitationId = invitation, DischargeId = Guid.NewGuid(), FacilityId = facility, DepartmentId = department, UnitId = unit, SurveyId = "nps", SurveyVersion = 1,
                    Language = "en", PolicyVersion = 1, IssuedAt = at, ExpiresAt = at.AddDays(42),
                }, facility, at));
                if (random.NextDouble() < 0.6)
                {
                    var responded = at.AddHours(2 + random.Next(200));
                    events.Add(new(new SurveyResponseReceived
                    {
                        ResponseId = Guid.NewGuid(), InvitationId = invitation, DischargeId = Guid.NewGuid(), FacilityId = facility, DepartmentId = department, UnitId = unit,
                        SurveyId = "nps", SurveyVersion = 1, Language = "en", AgeBand = "50-64", Nps = random.Next(11), ContactRequested = false, OutreachConsent = false,
                        InvitationIssuedAt = at, RespondedAt = responded,
                    }, facility, responded));
                }
            }
        }

        return events;
    }
}
