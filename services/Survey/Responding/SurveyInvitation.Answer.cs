using PatientExperience.Contracts.Survey;
using PatientExperience.Survey.Definitions;
using PatientExperience.Survey.Responding;
using PatientExperience.Survey.Scoring;

namespace PatientExperience.Survey.Invitations;

/// <summary>Why an answer is refused: the link was never valid, was used already, or has expired.</summary>
public enum AnswerRefusal { None, Unknown, AlreadyAnswered, Expired }

/// <summary>What answering came to: the invitation with its response and the events it raises, or the refusal.</summary>
public sealed record AnswerOutcome(SurveyInvitation? Invitation, IReadOnlyList<object> Messages, AnswerRefusal Refusal)
{
    public static AnswerOutcome Refused(AnswerRefusal refusal) => new(null, [], refusal);
}

public sealed partial record SurveyInvitation
{
    /// <summary>Whether the link can be opened now (the same checks as answering, before any answer is read).</summary>
    public AnswerRefusal CanAnswer(DateTimeOffset now) =>
        Status is InvitationStatus.Ineligible || TokenHash is null ? AnswerRefusal.Unknown
        : Response is not null ? AnswerRefusal.AlreadyAnswered
        : IsExpired(now) ? AnswerRefusal.Expired
        : AnswerRefusal.None;

    /// <summary>
    /// Records the patient's one answer: scored (<see cref="Scorer"/>), announced by <see cref="SurveyResponseReceived"/> (scores,
    /// never free text), and by <see cref="LowSatisfactionDetected"/> when <see cref="ServiceRecoveryRule"/> asks for it.
    /// Remaining reminders stop (a reminder due after this finds the response).
    /// </summary>
    public AnswerOutcome Answer(SurveyDefinition survey, AnswerSheet sheet, bool contactRequested, bool outreachConsent, string? protectedComments, Guid responseId, DateTimeOffset now)
    {
        if (CanAnswer(now) is var refusal and not AnswerRefusal.None) return AnswerOutcome.Refused(refusal);
        var composites = Scorer.Composites(survey, sheet.Items);
        var nps = Scorer.Nps(survey, sheet.Items);
        var (reasons, critical) = ServiceRecoveryRule.Evaluate(nps, sheet.Items, CriticalItems, contactRequested);
        var response = new SurveyResponse
        {
            Id = responseId, RespondedAt = now, Items = sheet.Items, Composites = composites, Nps = nps, ProtectedComments = protectedComments,
            ContactRequested = contactRequested, OutreachConsent = outreachConsent, LowSatisfactionReasons = reasons,
        };
        var issuedAt = IssuedAt ?? now;
        var after = this with { Status = InvitationStatus.Responded, Response = response, IssuedAt = issuedAt };
        var messages = new List<object>
        {
            new SurveyResponseReceived
            {
                ResponseId = responseId, InvitationId = Id, DischargeId = DischargeId, FacilityId = FacilityId, DepartmentId = DepartmentId, UnitId = UnitId,
                SurveyId = SurveyId!, SurveyVersion = SurveyVersion, Language = Language, AgeBand = AgeBand, Items = sheet.Items, Composites = composites,
                Nps = nps, HasComments = protectedComments is not null, ContactRequested = contactRequested, OutreachConsent = outreachConsent,
                InvitationIssuedAt = issuedAt, RespondedAt = now,
            },
        };
        if (reasons.Count > 0)
        {
            messages.Add(new LowSatisfactionDetected
            {
                ResponseId = responseId, InvitationId = Id, DischargeId = DischargeId, FacilityId = FacilityId, DepartmentId = DepartmentId, UnitId = UnitId,
                SurveyId = SurveyId!, Language = Language, Reasons = reasons, CriticalItems = critical, Nps = nps, ContactRequested = contactRequested, DetectedAt = now,
            });
        }

        return new AnswerOutcome(after, messages, AnswerRefusal.None);
    }
}
