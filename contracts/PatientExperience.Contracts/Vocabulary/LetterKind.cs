using System.Text.Json.Serialization;

namespace PatientExperience.Contracts.Vocabulary;

/// <summary>A letter to the complainant (wire: <c>interim</c>, <c>final</c>).</summary>
[JsonConverter(typeof(WireEnumConverter<LetterKind>))]
public enum LetterKind
{
    /// <summary>An interim notice: the concern is still being looked into.</summary>
    Interim,
    /// <summary>The final written response (CMS 42 CFR 482.13(a)(2)(iii)).</summary>
    Final,
}
