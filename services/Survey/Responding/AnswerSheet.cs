using System.Text.Json;
using PatientExperience.Contracts.Survey;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.ServiceDefaults.Text;
using PatientExperience.Survey.Definitions;

namespace PatientExperience.Survey.Responding;

/// <summary>
/// A patient's answers checked against the questions they were asked: each value must be one the question offers (a
/// choice's value such as <c>"always"</c>, a whole number 0-10, or text for free-text questions); null skips a question.
/// </summary>
public sealed record AnswerSheet(IReadOnlyList<SurveyItemScore> Items, IReadOnlyDictionary<string, string> Comments)
{
    /// <returns>The scored answers, or null with every problem named by field (<c>answers.nurse-listen</c>).</returns>
    public static AnswerSheet? Read(SurveyDefinition survey, IReadOnlyDictionary<string, JsonElement>? answers, bool contactRequested, Dictionary<string, string[]> errors)
    {
        var items = new List<SurveyItemScore>();
        var comments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, value) in answers ?? new Dictionary<string, JsonElement>())
        {
            var field = $"answers.{id}";
            var question = survey.QuestionById(id);
            if (question is null)
            {
                errors[field] = ["Not a question of this survey."];
                continue;
            }

            if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) continue;
            if (question.Type == SurveyQuestionType.FreeText)
            {
                if (value.ValueKind != JsonValueKind.String) errors[field] = ["Must be text."];
                else if (value.GetString()!.Length > QuestionScales.FreeTextMaxLength) errors[field] = [$"At most {QuestionScales.FreeTextMaxLength} characters."];
                else if (FreeText.Problem(value.GetString()) is { } unsafeText) errors[field] = [unsafeText];
                else if (value.GetString()!.Trim() is { Length: > 0 } text) comments[id] = text;
                continue;
            }

            ScoredAnswer? scored = QuestionScales.IsNumeric(question.Type)
                ? value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? QuestionScales.Score(question.Type, null, n) : null
                : value.ValueKind == JsonValueKind.String ? QuestionScales.Score(question.Type, value.GetString(), null) : null;
            if (scored is not { } s)
            {
                errors[field] = [QuestionScales.IsNumeric(question.Type)
                    ? "Must be a whole number from 0 to 10."
                    : $"Must be one of: {string.Join(", ", QuestionScales.Choices(question.Type))}."];
                continue;
            }

            items.Add(new SurveyItemScore { QuestionId = id, Type = question.Type, Value = s.Value, TopBox = s.TopBox, BottomBox = s.BottomBox });
        }

        if (errors.Count == 0 && items.Count == 0 && comments.Count == 0 && !contactRequested)
            errors["answers"] = ["Answer at least one question (or ask to be contacted)."];
        if (errors.Count > 0) return null;
        // In the survey's order, whatever order the answers came in.
        var order = survey.Content.Questions.Select((q, i) => (q.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        return new AnswerSheet(items.OrderBy(i => order[i.QuestionId]).ToList(), comments);
    }
}
