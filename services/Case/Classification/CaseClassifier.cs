using PatientExperience.Contracts.Intake;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Classification;

/// <summary>How a case was classified when it opened, and why (each reason is kept in the case history).</summary>
public sealed record CaseClassification(CaseType Type, Severity Severity, string Category, string? OwningDepartmentId, IReadOnlyList<string> Reasons);

/// <summary>
/// Classifies a concern when its case opens, under the facility's regulatory profile:
/// <list type="bullet">
/// <item>CMS profiles (<c>cms-hospital</c>, <c>cms-critical-access</c>): a grievance when it came in writing (letter, email,
/// web form), when it alleges abuse, neglect, harm or discrimination, when the person asks for a response, or when the
/// submitter called it a grievance; otherwise a complaint (resolved promptly by staff present).</item>
/// <item><c>nhs-england</c>: every concern is a complaint under the NHS complaints regulations.</item>
/// <item>Severity: critical for abuse, neglect, harm, threats of self-harm and discrimination; high for other grievances
/// and for privacy or medication concerns; low for suggestions and questions; medium otherwise.</item>
/// <item>Category: the taxonomy category intake's screening found most likely, else <c>other</c>.</item>
/// </list>
/// </summary>
public static partial class CaseClassifier
{
    public static readonly IReadOnlyList<string> Categories =
        ["communication", "care-quality", "staff-attitude", "wait-times", "billing", "privacy", "environment", "food", "discharge", "medication", "other"];
    public static readonly IReadOnlyList<string> Profiles = ["cms-hospital", "cms-critical-access", "nhs-england"];

    private static readonly string[] CriticalIndicators = ["abuse", "neglect", "harm", "self-harm", "discrimination"];
    private static readonly FeedbackChannel[] WrittenChannels = [FeedbackChannel.Letter, FeedbackChannel.Email, FeedbackChannel.Web];

    public static bool IsCms(string profile) => profile.StartsWith("cms-", StringComparison.Ordinal);

    public static CaseClassification Classify(FeedbackSubmitted submitted, string regulatoryProfile)
    {
        var reasons = new List<string>();
        var critical = submitted.Indicators.Where(i => CriticalIndicators.Contains(i)).ToList();

        CaseType type;
        if (!IsCms(regulatoryProfile))
        {
            type = CaseType.Complaint;
            reasons.Add($"Complaint: the {regulatoryProfile} profile has no separate grievance process.");
        }
        else if (submitted.Kind == FeedbackKind.Grievance)
        {
            type = CaseType.Grievance;
            reasons.Add("Grievance: the submitter called it a grievance.");
        }
        else if (WrittenChannels.Contains(submitted.Channel))
        {
            type = CaseType.Grievance;
            reasons.Add($"Grievance: submitted in writing ({submitted.Channel.ToWire()}) under {regulatoryProfile}.");
        }
        else if (critical.Count > 0)
        {
            type = CaseType.Grievance;
            reasons.Add($"Grievance: alleges {string.Join(", ", critical)}.");
        }
        else if (submitted.ResponseRequested)
        {
            type = CaseType.Grievance;
            reasons.Add("Grievance: the person asked for a response.");
        }
        else
        {
            type = CaseType.Complaint;
            reasons.Add($"Complaint: raised by {submitted.Channel.ToWire()}, no response requested, no safety concern.");
        }

        var category = submitted.CategoryHints.FirstOrDefault(c => Categories.Contains(c)) ?? "other";
        Severity severity;
        if (critical.Count > 0)
        {
            severity = Severity.Critical;
            reasons.Add($"Critical: screening found {string.Join(", ", critical)}.");
        }
        else if (type == CaseType.Grievance || category is "privacy" or "medication")
        {
            severity = Severity.High;
            reasons.Add(type == CaseType.Grievance ? "High: a grievance." : $"High: a {category} concern.");
        }
        else if (submitted.Kind is FeedbackKind.Suggestion or FeedbackKind.Question)
        {
            severity = Severity.Low;
            reasons.Add($"Low: a {submitted.Kind.ToWire()}.");
        }
        else
        {
            severity = Severity.Medium;
            reasons.Add("Medium: the default for a complaint.");
        }

        reasons.Add(category == "other" ? "Category: other (no taxonomy term matched)." : $"Category: {category} (from the text's screening).");
        return new CaseClassification(type, severity, category, submitted.DepartmentId, reasons);
    }
}
