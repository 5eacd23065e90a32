using System.Text.RegularExpressions;

namespace PatientExperience.Intake.Feedback;

/// <summary>What screening a submission's text found: safety indicators and likely categories. Words only, never the text.</summary>
public sealed record ScreeningResult(IReadOnlyList<string> Indicators, IReadOnlyList<string> CategoryHints);

/// <summary>
/// Screens the free text of a concern for safety indicators (which make it critical and, under CMS, a grievance) and for
/// the categories of the complaint taxonomy. Deliberately simple and explainable, English and Spanish. A human
/// reclassifies when it is wrong; the case history records both.
/// <para>
/// Terms match whole words or phrases ("fall", "fallen", "left alone"), never the start of a longer word: "falafel" is
/// not a fall and "harmless" is not harm. A term ending in <c>*</c> is a stem that takes any ending ("injur*": injury,
/// injured); stems are kept to those no everyday word starts with. Negations ("nobody fell") are not understood: screening
/// errs towards raising a concern, which a person then reviews.
/// </para>
/// </summary>
public static class FeedbackScreening
{
    private static readonly (string Indicator, Regex Pattern)[] Indicators =
    [
        ("abuse", Terms("abuse", "abused", "abusive", "abusing", "assault*", "hit me", "hit my", "slapped", "molest*", "sexual", "sexually",
            "abuso", "abusos", "agresión", "agresiones", "agredido", "agredida")),
        ("neglect", Terms("neglect*", "left alone", "ignored for", "left in", "soiled", "bedsore*", "pressure ulcer*", "pressure sore*", "dehydrat*",
            "starve", "starved", "starving", "negligencia", "abandoned", "abandonado", "abandonada")),
        ("harm", Terms("harm", "harmed", "harming", "harms", "harmful", "injur*", "fell", "fall", "falls", "fallen", "falling", "wrong medication",
            "wrong dose", "overdose*", "burn", "burns", "burned", "burnt", "bleeding", "bled", "died", "death", "lesión", "lesiones", "daño", "daños")),
        ("self-harm", Terms("suicid*", "kill myself", "end my life", "self-harm", "self harm", "hurt myself", "quitarme la vida")),
        ("discrimination", Terms("discrimin*", "racism", "racist", "racial", "racially", "sexism", "sexist", "homophob*", "transphob*",
            "because of my race", "because i am")),
        ("threat", Terms("threat*", "sue", "sued", "suing", "lawyer*", "attorney*", "lawsuit*", "amenaza*", "abogado*")),
    ];

    private static readonly (string Category, Regex Pattern)[] Categories =
    [
        ("medication", Terms("medication*", "medicine*", "dose", "doses", "dosage", "prescription*", "pharmacy", "pharmacist", "pill", "pills", "medicamento*")),
        ("wait-times", Terms("wait", "waits", "waited", "waiting", "delay", "delays", "delayed", "hours", "queue", "queued", "espera", "esperar")),
        ("staff-attitude", Terms("rude", "rudely", "attitude", "disrespect*", "unprofessional", "shouted", "yelled", "dismissive", "grosero", "grosera")),
        ("communication", Terms("explain", "explained", "explanation", "told", "informed", "communicat*", "update", "updates", "call back",
            "language", "interpreter", "no one told")),
        ("billing", Terms("bill", "bills", "billed", "billing", "invoice*", "charge", "charged", "charges", "insurance", "payment*", "factura*", "cobro*")),
        ("privacy", Terms("privacy", "confidential*", "records", "overheard", "hipaa", "privacidad")),
        ("environment", Terms("dirty", "clean", "unclean", "noise", "noisy", "cold", "hot", "parking", "bathroom*", "sucio", "sucia")),
        ("food", Terms("food", "meal", "meals", "diet", "hungry", "comida")),
        ("discharge", Terms("discharge", "discharged", "sent home", "alta")),
        ("care-quality", Terms("care", "cared", "treatment", "nurse", "nurses", "doctor", "doctors", "pain", "misdiagnos*", "atención", "dolor")),
    ];

    public static ScreeningResult Screen(string text)
    {
        var indicators = Indicators.Where(i => i.Pattern.IsMatch(text)).Select(i => i.Indicator).ToList();
        var categories = Categories.Select(c => (c.Category, Hits: c.Pattern.Matches(text).Count))
            .Where(c => c.Hits > 0).OrderByDescending(c => c.Hits).Select(c => c.Category).ToList();
        return new ScreeningResult(indicators, categories);
    }

    /// <summary>
    /// One pattern for a list of terms: each starts and ends at a word boundary (no letter or digit on either side), or, for a
    /// stem marked with <c>*</c>, runs on to the end of its word. Spaces inside a phrase match any run of white space.
    /// </summary>
    internal static Regex Terms(params string[] terms)
    {
        static string Alternative(string term)
        {
            var stem = term.EndsWith('*');
            var words = (stem ? term[..^1] : term).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Regex.Escape);
            return string.Join(@"\s+", words) + (stem ? @"\w*" : "");
        }

        // No match timeout: the patterns come from the fixed lists above, not from input, and each alternative is a literal
        // (words joined by \s+) with at most a trailing \w* before a one-character look-ahead, so a match attempt never
        // backtracks further than the word it is in and screening is linear in the text (whose length intake limits). A
        // timeout here only measured the machine: on a busy host the first match (which JIT-compiles the pattern) overran
        // 200 ms and turned a patient's concern into a 500.
        return new Regex($@"(?<![\w-])(?:{string.Join("|", terms.Select(Alternative))})(?![\w])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, Regex.InfiniteMatchTimeout);
    }
}
