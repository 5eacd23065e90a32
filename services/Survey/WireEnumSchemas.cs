using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Survey;

/// <summary>
/// Describes the vocabulary enums the survey API shows directly (question types) as the strings they are on the wire:
/// their JSON converter is the platform's own, which the OpenAPI generator does not read.
/// </summary>
internal static class WireEnumSchemas
{
    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(SurveyQuestionType)) AsStrings(schema, Wire.All<SurveyQuestionType>());
        return Task.CompletedTask;
    });

    private static void AsStrings(OpenApiSchema schema, IReadOnlyList<string> values)
    {
        schema.Type = JsonSchemaType.String;
        schema.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList();
    }
}
