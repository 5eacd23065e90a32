using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Survey.Definitions;

/// <summary>An answer a choice question offers: the value sent back, and its wording.</summary>
public sealed record AnswerOption(object Value, LocalizedText Text);

/// <summary>A scored answer: the number it counts as, and whether it is top-box or bottom-box.</summary>
public readonly record struct ScoredAnswer(int Value, bool TopBox, bool BottomBox);

/// <summary>The answers of each question type and how each one scores. Pure: the rules of top box and bottom box live here.</summary>
public static class QuestionScales
{
    public const int FreeTextMaxLength = 4000;

    private static readonly (string Value, int Score, LocalizedText Text)[] Frequency =
    [
        ("never", 1, new("Never", "Nunca")),
        ("sometimes", 2, new("Sometimes", "A veces")),
        ("usually", 3, new("Usually", "Casi siempre")),
        ("always", 4, new("Always", "Siempre")),
    ];

    private static readonly (string Value, int Score, LocalizedText Text)[] DefinitelyScale =
    [
        ("definitely-yes", 4, new("Definitely yes", "Definitivamente sí")),
        ("probably-yes", 3, new("Probably yes", "Probablemente sí")),
        ("probably-no", 2, new("Probably no", "Probablemente no")),
        ("definitely-no", 1, new("Definitely no", "Definitivamente no")),
    ];

    private static readonly (string Value, int Score, LocalizedText Text)[] YesNoScale =
    [
        ("yes", 1, new("Yes", "Sí")),
        ("no", 0, new("No", "No")),
    ];

    /// <summary>The options a patient chooses from, in the order shown; none for free text.</summary>
    public static IReadOnlyList<AnswerOption> Options(SurveyQuestionType type) => type switch
    {
        SurveyQuestionType.FourPointFrequency => Frequency.Select(o => new AnswerOption(o.Value, o.Text)).ToList(),
        SurveyQuestionType.Definitely => DefinitelyScale.Select(o => new AnswerOption(o.Value, o.Text)).ToList(),
        SurveyQuestionType.YesNo => YesNoScale.Select(o => new AnswerOption(o.Value, o.Text)).ToList(),
        SurveyQuestionType.Rating or SurveyQuestionType.Nps => Enumerable.Range(0, 11).Select(i => new AnswerOption(i, new LocalizedText(Num(i), Num(i)))).ToList(),
        _ => [],
    };

    /// <summary>The score of a choice (<c>always</c>, <c>probably-no</c>) or a number (0-10); null when the question does not offer it.</summary>
    public static ScoredAnswer? Score(SurveyQuestionType type, string? choice, int? number) => type switch
    {
        SurveyQuestionType.FourPointFrequency => Find(Frequency, choice) is { } s ? new ScoredAnswer(s, s == 4, s <= 2) : null,
        SurveyQuestionType.Definitely => Find(DefinitelyScale, choice) is { } s ? new ScoredAnswer(s, s == 4, s <= 2) : null,
        SurveyQuestionType.YesNo => Find(YesNoScale, choice) is { } s ? new ScoredAnswer(s, s == 1, s == 0) : null,
        SurveyQuestionType.Rating or SurveyQuestionType.Nps => number is >= 0 and <= 10 ? new ScoredAnswer(number.Value, number >= 9, number <= 6) : null,
        _ => null,
    };

    /// <summary>Whether answers to this type are given as a number (0-10) rather than a choice's value.</summary>
    public static bool IsNumeric(SurveyQuestionType type) => type is SurveyQuestionType.Rating or SurveyQuestionType.Nps;

    public static IReadOnlyList<string> Choices(SurveyQuestionType type) => type switch
    {
        SurveyQuestionType.FourPointFrequency => Frequency.Select(o => o.Value).ToList(),
        SurveyQuestionType.Definitely => DefinitelyScale.Select(o => o.Value).ToList(),
        SurveyQuestionType.YesNo => YesNoScale.Select(o => o.Value).ToList(),
        _ => [],
    };

    private static int? Find((string Value, int Score, LocalizedText Text)[] scale, string? choice)
    {
        foreach (var o in scale) if (string.Equals(o.Value, choice, StringComparison.Ordinal)) return o.Score;
        return null;
    }

    private static string Num(int i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
