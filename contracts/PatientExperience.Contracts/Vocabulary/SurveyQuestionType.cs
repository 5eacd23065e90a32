using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>
/// The kinds of question a survey asks (wire: <c>four-point-frequency</c>, <c>rating-0-10</c>, <c>yes-no</c>,
/// <c>definitely</c>, <c>free-text</c>, <c>nps</c>). The survey service's <c>QuestionScales</c> says how each one scores.
/// </summary>
[JsonConverter(typeof(WireEnumConverter<SurveyQuestionType>))]
public enum SurveyQuestionType
{
    /// <summary>Never, Sometimes, Usually, Always (HCAHPS style). Top box: Always; bottom box: Never or Sometimes.</summary>
    FourPointFrequency,

    /// <summary>0 (worst possible) to 10 (best possible). Top box: 9-10; bottom box: 0-6.</summary>
    [JsonStringEnumMemberName("rating-0-10")] Rating,

    /// <summary>Yes or No. Top box: Yes; bottom box: No.</summary>
    YesNo,

    /// <summary>Definitely yes, Probably yes, Probably no, Definitely no. Top box: Definitely yes; bottom box: Probably or Definitely no.</summary>
    Definitely,

    /// <summary>Words in the patient's own hand: PHI, encrypted, never scored, never in events.</summary>
    FreeText,

    /// <summary>Net Promoter Score: likelihood to recommend, 0-10. Promoters 9-10, passives 7-8, detractors 0-6.</summary>
    Nps,
}
