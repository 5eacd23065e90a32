using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Survey.Definitions;

namespace PatientExperience.Survey.Scoring;

/// <summary>
/// How one response scores. An item is top-box when answered most favourably (<see cref="QuestionScales"/>); a respondent's
/// composite score is the share of the composite's answered items that are top-box (items skipped do not count); the NPS
/// answer is the survey's NPS question.
/// </summary>
public static class Scorer
{
    public static IReadOnlyList<SurveyCompositeScore> Composites(SurveyDefinition survey, IReadOnlyList<SurveyItemScore> items)
    {
        var byQuestion = items.ToDictionary(i => i.QuestionId, StringComparer.Ordinal);
        var scores = new List<SurveyCompositeScore>();
        foreach (var composite in survey.Content.Composites)
        {
            var answered = composite.QuestionIds.Where(byQuestion.ContainsKey).Select(q => byQuestion[q]).ToList();
            if (answered.Count == 0) continue;
            scores.Add(new SurveyCompositeScore { CompositeId = composite.Id, Answered = answered.Count, TopBox = answered.Count(i => i.TopBox) / (double)answered.Count });
        }

        return scores;
    }

    public static int? Nps(SurveyDefinition survey, IReadOnlyList<SurveyItemScore> items) =>
        survey.NpsQuestion is { } q ? items.FirstOrDefault(i => i.QuestionId == q.Id)?.Value : null;
}

/// <summary>
/// When a response asks for service recovery (<see cref="LowSatisfactionDetected"/>): every respondent is identified (the
/// invitation names the discharge), so any of these is enough:
/// <list type="bullet">
/// <item><c>nps-detractor</c>: an NPS answer of 0-6;</item>
/// <item><c>critical-item</c>: a bottom-box answer to one of the facility's critical items;</item>
/// <item><c>contact-requested</c>: the patient asked to be contacted (under CMS, a request for resolution).</item>
/// </list>
/// </summary>
public static class ServiceRecoveryRule
{
    public static (IReadOnlyList<LowSatisfactionReason> Reasons, IReadOnlyList<string> CriticalItems) Evaluate(
        int? nps, IReadOnlyList<SurveyItemScore> items, IReadOnlyList<string> criticalItems, bool contactRequested)
    {
        var reasons = new List<LowSatisfactionReason>();
        if (nps is <= 6) reasons.Add(LowSatisfactionReason.NpsDetractor);
        var critical = items.Where(i => i.BottomBox && criticalItems.Contains(i.QuestionId, StringComparer.Ordinal)).Select(i => i.QuestionId).ToList();
        if (critical.Count > 0) reasons.Add(LowSatisfactionReason.CriticalItem);
        if (contactRequested) reasons.Add(LowSatisfactionReason.ContactRequested);
        return (reasons, critical);
    }
}
