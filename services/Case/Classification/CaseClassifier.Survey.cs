using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Classification;

/// <summary>
/// Service recovery from a survey response (<see cref="LowSatisfactionDetected"/>). Under CMS a survey comment is not a
/// grievance unless the patient asks for resolution: a request to be contacted makes it a grievance (high severity, it needs
/// a written response); a detractor score or a bottom-box answer on a critical item alone is a complaint (medium). A
/// profile without a grievance track makes every one a complaint. The survey carries no text, so the category is
/// <c>other</c> until staff reclassify.
/// </summary>
public static partial class CaseClassifier
{
    public const string SurveyContactRequestedReason = "the patient asked to be contacted about the survey: a request for resolution";

    public static CaseClassification ClassifySurveyResponse(LowSatisfactionDetected detected, string regulatoryProfile)
    {
        var reasons = new List<string>();
        var why = SurveyFindings(detected);
        CaseType type;
        if (!IsCms(regulatoryProfile))
        {
            type = CaseType.Complaint;
            reasons.Add($"Complaint: the {regulatoryProfile} profile has no separate grievance process ({why}).");
        }
        else if (detected.ContactRequested || detected.Reasons.Contains(LowSatisfactionReason.ContactRequested))
        {
            type = CaseType.Grievance;
            reasons.Add($"Grievance: {SurveyContactRequestedReason}.");
        }
        else
        {
            type = CaseType.Complaint;
            reasons.Add($"Complaint: {why}; a survey comment is not a grievance under {regulatoryProfile} unless the patient asks for resolution.");
        }

        var severity = type == CaseType.Grievance ? Severity.High : Severity.Medium;
        reasons.Add(type == CaseType.Grievance ? "High: a grievance." : "Medium: the default for a complaint.");
        reasons.Add("Category: other (a survey response carries no text to screen).");
        return new CaseClassification(type, severity, "other", detected.DepartmentId, reasons);
    }

    /// <summary>What the survey found, in words (question ids and scores only, never the patient's text).</summary>
    private static string SurveyFindings(LowSatisfactionDetected detected)
    {
        var findings = new List<string>();
        foreach (var reason in detected.Reasons.Distinct())
        {
            findings.Add(reason switch
            {
                LowSatisfactionReason.NpsDetractor => detected.Nps is { } nps ? $"a detractor score (NPS {nps})" : "a detractor score (NPS 0-6)",
                LowSatisfactionReason.CriticalItem => detected.CriticalItems.Count > 0
                    ? $"the lowest answer on critical item {string.Join(", ", detected.CriticalItems)}"
                    : "the lowest answer on a critical item",
                LowSatisfactionReason.ContactRequested => "a request to be contacted",
                _ => throw new ArgumentOutOfRangeException(nameof(detected), reason, null),
            });
        }

        return findings.Count > 0 ? string.Join(" and ", findings) : "a low-satisfaction survey response";
    }
}
