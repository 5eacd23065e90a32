using System.Text.RegularExpressions;

namespace PatientExperience.Intake.Feedback;

/// <summary>What screening a submission's text found: safety indicators and likely categories. Words only, never the text.</summary>
public sealed record ScreeningResult(IReadOnlyList<string> Indicators, IReadOnlyList<string> CategoryHints);

/// <summary>
/// Screens the free text of a concern for safety indicators (which make it critical and, under CMS, a grievance) and for
/// the categories of the complaint taxonomy. Deliberately simple and explainable: whole-word stems, English and Spanish.
/// A human reclassifies when it is wrong; the case history records both.
/// </summary>
public static partial class FeedbackScreening
{
    private static readonly (string Indicator, Regex Pattern)[] Indicators =
    [
        ("abuse", Words("abus", "assault", "hit me", "hit my", "slapped", "molest", "sexual", "abuso", "agresi")),
        ("neglect", Words("neglect", "left alone", "ignored for", "left in", "soiled", "bedsore", "pressure ulcer", "pressure sore", "dehydrat", "starv", "negligencia", "abandon")),
        ("harm", Words("harm", "injur", "fell", "fall", "wrong medication", "wrong dose", "overdose", "burn", "bleeding", "died", "death", "lesión", "daño")),
        ("self-harm", Words("suicid", "kill myself", "end my life", "self-harm", "self harm", "hurt myself", "suicidio", "quitarme la vida")),
        ("discrimination", Words("discriminat", "racis", "racial", "sexis", "homophob", "transphob", "because of my race", "because i am", "discrimina")),
        ("threat", Words("threat", "sue ", "suing", "lawyer", "attorney", "amenaza", "abogado")),
    ];

    private static readonly (string Category, Regex Pattern)[] Categories =
    [
        ("medication", Words("medication", "medicine", "dose", "prescription", "pharmacy", "pill", "medicamento")),
        ("wait-times", Words("wait", "waited", "waiting", "delay", "hours", "queue", "espera")),
        ("staff-attitude", Words("rude", "attitude", "disrespect", "unprofessional", "shouted", "yelled", "dismissive", "grosero")),
        ("communication", Words("explain", "told", "informed", "communicat", "update", "call back", "language", "interpreter", "no one told")),
        ("billing", Words("bill", "invoice", "charge", "insurance", "payment", "factura", "cobro")),
        ("privacy", Words("privacy", "confidential", "records", "overheard", "hipaa", "privacidad")),
        ("environment", Words("dirty", "clean", "noise", "noisy", "cold", "hot", "parking", "bathroom", "sucio")),
        ("food", Words("food", "meal", "diet", "hungry", "comida")),
        ("discharge", Words("discharge", "discharged", "sent home", "alta")),
        ("care-quality", Words("care", "treatment", "nurse", "doctor", "pain", "misdiagnos", "atención", "dolor")),
    ];

    public static ScreeningResult Screen(string text)
    {
        var indicators = Indicators.Where(i => i.Pattern.IsMatch(text)).Select(i => i.Indicator).ToList();
        var categories = Categories.Select(c => (c.Category, Hits: c.Pattern.Matches(text).Count))
            .Where(c => c.Hits > 0).OrderByDescending(c => c.Hits).Select(c => c.Category).ToList();
        return new ScreeningResult(indicators, categories);
    }

    private static Regex Words(params string[] stems) =>
        new($@"\b({string.Join("|", stems.Select(Regex.Escape))})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromMilliseconds(200));
}
