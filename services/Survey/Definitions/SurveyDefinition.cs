using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Survey.Definitions;

/// <summary>Wording in the languages surveys are sent in: English (always) and Spanish.</summary>
public sealed record LocalizedText(string En, string? Es)
{
    public static readonly IReadOnlyList<string> Languages = ["en", "es"];

    /// <summary>The wording in <paramref name="language"/> (<c>en</c> or <c>es</c>), English when there is none.</summary>
    public string In(string language) => language == "es" && !string.IsNullOrWhiteSpace(Es) ? Es : En;

    /// <summary><c>es</c> for a Spanish language tag (<c>es</c>, <c>es-MX</c>), else <c>en</c>: the surveys' two languages.</summary>
    public static string SurveyLanguage(string? bcp47) =>
        bcp47 is not null && (bcp47.Equals("es", StringComparison.OrdinalIgnoreCase) || bcp47.StartsWith("es-", StringComparison.OrdinalIgnoreCase)) ? "es" : "en";
}

public sealed record Question
{
    public required string Id { get; init; }
    public required SurveyQuestionType Type { get; init; }
    public required LocalizedText Text { get; init; }
}

/// <summary>Questions about one theme scored together (e.g. communication with nurses).</summary>
public sealed record Composite
{
    public required string Id { get; init; }
    public required LocalizedText Title { get; init; }
    public required IReadOnlyList<string> QuestionIds { get; init; }
}

/// <summary>What a survey asks: everything an editor writes.</summary>
public sealed record SurveyContent
{
    public required LocalizedText Title { get; init; }
    public required IReadOnlyList<Question> Questions { get; init; }
    public IReadOnlyList<Composite> Composites { get; init; } = [];
}

[JsonConverter(typeof(JsonStringEnumConverter<DefinitionStatus>))]
public enum DefinitionStatus
{
    /// <summary>Being written: may change; never sent.</summary>
    [JsonStringEnumMemberName("draft")] Draft,

    /// <summary>Immutable; sent to patients (the latest published version of a survey is the one sent).</summary>
    [JsonStringEnumMemberName("published")] Published,

    /// <summary>Immutable; no longer sent. Invitations already out can still be answered.</summary>
    [JsonStringEnumMemberName("retired")] Retired,
}

/// <summary>What a change to a definition came to: the new definition, or why it was refused.</summary>
public sealed record DefinitionChange(SurveyDefinition? Definition, IReadOnlyDictionary<string, string[]> Problems, string? Conflict)
{
    public static DefinitionChange Done(SurveyDefinition d) => new(d, new Dictionary<string, string[]>(), null);
    public static DefinitionChange Invalid(IReadOnlyDictionary<string, string[]> problems) => new(null, problems, null);
    public static DefinitionChange Refused(string conflict) => new(null, new Dictionary<string, string[]>(), conflict);
}

/// <summary>
/// One version of a survey. A draft may be edited; once published it never changes again (only retired), so every
/// response can always be read against exactly the questions it answered. Versions of a survey share its <see cref="Id"/>.
/// </summary>
public sealed partial record SurveyDefinition
{
    public const int MaxQuestions = 100;

    public required string Id { get; init; }
    public required int Version { get; init; }
    public required DefinitionStatus Status { get; init; }
    public required SurveyContent Content { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? CreatedBy { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public DateTimeOffset? RetiredAt { get; init; }

    /// <summary>The survey's NPS question: its first question of type NPS, if any.</summary>
    [JsonIgnore]
    public Question? NpsQuestion => Content.Questions.FirstOrDefault(q => q.Type == SurveyQuestionType.Nps);

    public Question? QuestionById(string id) => Content.Questions.FirstOrDefault(q => q.Id == id);

    /// <summary>A new draft: version 1 of a new survey, or the next version of an existing one.</summary>
    public static DefinitionChange Draft(string id, int version, SurveyContent content, DateTimeOffset now, string? author)
    {
        var problems = Problems(content);
        if (!IdPattern().IsMatch(id ?? "")) problems["id"] = ["Must be 1-64 lower-case letters, digits or hyphens."];
        if (problems.Count > 0) return DefinitionChange.Invalid(problems);
        return DefinitionChange.Done(new SurveyDefinition { Id = id!, Version = version, Status = DefinitionStatus.Draft, Content = content, CreatedAt = now, CreatedBy = author });
    }

    /// <summary>Replaces a draft's questions; a published or retired version is immutable.</summary>
    public DefinitionChange Edit(SurveyContent content)
    {
        if (Status != DefinitionStatus.Draft) return DefinitionChange.Refused($"Version {Version} of '{Id}' is {Wire(Status)}: published versions never change. Draft a new version.");
        var problems = Problems(content);
        return problems.Count > 0 ? DefinitionChange.Invalid(problems) : DefinitionChange.Done(this with { Content = content });
    }

    public DefinitionChange Publish(DateTimeOffset now) => Status switch
    {
        DefinitionStatus.Draft => DefinitionChange.Done(this with { Status = DefinitionStatus.Published, PublishedAt = now }),
        DefinitionStatus.Published => DefinitionChange.Done(this), // publishing again (a retry) changes nothing
        _ => DefinitionChange.Refused($"Version {Version} of '{Id}' is retired; draft a new version."),
    };

    public DefinitionChange Retire(DateTimeOffset now) => Status switch
    {
        DefinitionStatus.Published => DefinitionChange.Done(this with { Status = DefinitionStatus.Retired, RetiredAt = now }),
        DefinitionStatus.Retired => DefinitionChange.Done(this),
        _ => DefinitionChange.Refused($"Version {Version} of '{Id}' is a draft: only published versions can be retired."),
    };

    /// <summary>The rules a survey's content keeps, named by field (<c>questions[2].text.es</c>).</summary>
    public static Dictionary<string, string[]> Problems(SurveyContent? content)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (content is null)
        {
            problems["content"] = ["Required."];
            return problems;
        }

        CheckText("title", content.Title, 200, problems);
        var questions = content.Questions ?? [];
        if (questions.Count is 0 or > MaxQuestions) problems["questions"] = [$"Between 1 and {MaxQuestions} questions."];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < questions.Count; i++)
        {
            var q = questions[i];
            var field = $"questions[{i}]";
            if (q is null)
            {
                problems[field] = ["Required."];
                continue;
            }

            if (!IdPattern().IsMatch(q.Id ?? "")) problems[field + ".id"] = ["Must be 1-64 lower-case letters, digits or hyphens."];
            else if (!ids.Add(q.Id!)) problems[field + ".id"] = ["Question ids must be unique."];
            if (!Enum.IsDefined(q.Type)) problems[field + ".type"] = ["Unknown question type."];
            CheckText(field + ".text", q.Text, 1000, problems);
        }

        var compositeIds = new HashSet<string>(StringComparer.Ordinal);
        var composites = content.Composites ?? [];
        for (var i = 0; i < composites.Count; i++)
        {
            var c = composites[i];
            var field = $"composites[{i}]";
            if (c is null)
            {
                problems[field] = ["Required."];
                continue;
            }

            if (!IdPattern().IsMatch(c.Id ?? "")) problems[field + ".id"] = ["Must be 1-64 lower-case letters, digits or hyphens."];
            else if (!compositeIds.Add(c.Id!)) problems[field + ".id"] = ["Composite ids must be unique."];
            CheckText(field + ".title", c.Title, 200, problems);
            if (c.QuestionIds is null || c.QuestionIds.Count == 0) problems[field + ".questionIds"] = ["At least one question."];
            else if (c.QuestionIds.FirstOrDefault(id => questions.FirstOrDefault(q => q?.Id == id) is not { } q || q.Type == SurveyQuestionType.FreeText) is { } bad)
                problems[field + ".questionIds"] = [$"'{bad}' is not a scored question of this survey."];
        }

        return problems;
    }

    /// <summary>English and Spanish wording are both required: surveys go out in the patient's language.</summary>
    private static void CheckText(string field, LocalizedText? text, int max, Dictionary<string, string[]> problems)
    {
        if (text is null)
        {
            problems[field] = ["Required: {\"en\": ..., \"es\": ...}."];
            return;
        }

        if (string.IsNullOrWhiteSpace(text.En) || text.En.Length > max) problems[field + ".en"] = [$"Required, at most {max} characters."];
        if (string.IsNullOrWhiteSpace(text.Es) || text.Es.Length > max) problems[field + ".es"] = [$"Required, at most {max} characters."];
    }

    public static string Wire(DefinitionStatus status) => status switch
    {
        DefinitionStatus.Draft => "draft",
        DefinitionStatus.Published => "published",
        _ => "retired",
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex IdPattern();
}
