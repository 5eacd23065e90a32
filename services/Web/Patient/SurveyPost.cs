using System.Text.Json;

namespace PatientExperience.Web.Patient;

/// <summary>What the survey form posts: <c>Post.Answers[questionId]</c> (a choice's value as JSON, or text) and the two consents.</summary>
public sealed class SurveyPost
{
    public Dictionary<string, string> Answers { get; set; } = new(StringComparer.Ordinal);
    public bool ContactRequested { get; set; }
    public bool OutreachConsent { get; set; }

    /// <summary>A radio button's value is the option's JSON value (<c>9</c>, <c>"always"</c>); anything else is not a choice.</summary>
    public static JsonElement? ParseChoice(string posted)
    {
        try
        {
            using var document = JsonDocument.Parse(posted);
            return document.RootElement.ValueKind is JsonValueKind.Number or JsonValueKind.String ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
