using System.Text.Json.Serialization;

namespace PatientExperience.Survey.Definitions;

/// <summary>The kinds of question a survey may ask; each knows its answers, its top box and its bottom box (<see cref="QuestionScales"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QuestionType>))]
public enum QuestionType
{
    /// <summary>Never, Sometimes, Usually, Always (HCAHPS style). Top box: Always; bottom box: Never or Sometimes.</summary>
    [JsonStringEnumMemberName("four-point-frequency")] FourPointFrequency,

    /// <summary>0 (worst possible) to 10 (best possible). Top box: 9-10; bottom box: 0-6.</summary>
    [JsonStringEnumMemberName("rating-0-10")] Rating,

    /// <summary>Yes or No. Top box: Yes; bottom box: No.</summary>
    [JsonStringEnumMemberName("yes-no")] YesNo,

    /// <summary>Definitely yes, Probably yes, Probably no, Definitely no. Top box: Definitely yes; bottom box: Probably or Definitely no.</summary>
    [JsonStringEnumMemberName("definitely")] Definitely,

    /// <summary>Words in the patient's own hand: PHI, encrypted, never scored, never in events.</summary>
    [JsonStringEnumMemberName("free-text")] FreeText,

    /// <summary>Net Promoter Score: likelihood to recommend, 0-10. Promoters 9-10, passives 7-8, detractors 0-6.</summary>
    [JsonStringEnumMemberName("nps")] Nps,
}

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
    public static IReadOnlyList<AnswerOption> Options(QuestionType type) => type switch
    {
        QuestionType.FourPointFrequency => Frequency.Select(o => new AnswerOption(o.Value, o.Text)).ToList(),
        QuestionType.Definitely => DefinitelyScale.Select(o => new AnswerOption(o.Value, o.Text)).ToList(),
        QuestionType.YesNo => YesNoScale.Select(o => new AnswerOption(o.Value, o.Text)).ToList(),
        QuestionType.Rating or QuestionType.Nps => Enumerable.Range(0, 11).Select(i => new AnswerOption(i, new LocalizedText(Num(i), Num(i)))).ToList(),
        _ => [],
    };

    /// <summary>The score of a choice (<c>always</c>, <c>probably-no</c>) or a number (0-10); null when the question does not offer it.</summary>
    public static ScoredAnswer? Score(QuestionType type, string? choice, int? number) => type switch
    {
        QuestionType.FourPointFrequency => Find(Frequency, choice) is { } s ? new ScoredAnswer(s, s == 4, s <= 2) : null,
        QuestionType.Definitely => Find(DefinitelyScale, choice) is { } s ? new ScoredAnswer(s, s == 4, s <= 2) : null,
        QuestionType.YesNo => Find(YesNoScale, choice) is { } s ? new ScoredAnswer(s, s == 1, s == 0) : null,
        QuestionType.Rating or QuestionType.Nps => number is >= 0 and <= 10 ? new ScoredAnswer(number.Value, number >= 9, number <= 6) : null,
        _ => null,
    };

    /// <summary>Whether answers to this type are given as a number (0-10) rather than a choice's value.</summary>
    public static bool IsNumeric(QuestionType type) => type is QuestionType.Rating or QuestionType.Nps;

    public static IReadOnlyList<string> Choices(QuestionType type) => type switch
    {
        QuestionType.FourPointFrequency => Frequency.Select(o => o.Value).ToList(),
        QuestionType.Definitely => DefinitelyScale.Select(o => o.Value).ToList(),
        QuestionType.YesNo => YesNoScale.Select(o => o.Value).ToList(),
        _ => [],
    };

    public static string WireName(QuestionType type) => type switch
    {
        QuestionType.FourPointFrequency => "four-point-frequency",
        QuestionType.Rating => "rating-0-10",
        QuestionType.YesNo => "yes-no",
        QuestionType.Definitely => "definitely",
        QuestionType.FreeText => "free-text",
        QuestionType.Nps => "nps",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static int? Find((string Value, int Score, LocalizedText Text)[] scale, string? choice)
    {
        foreach (var o in scale) if (string.Equals(o.Value, choice, StringComparison.Ordinal)) return o.Score;
        return null;
    }

    private static string Num(int i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
