using System.Text.Json.Nodes;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

namespace PatientExperience.ClientGenerator;

/// <summary>
/// The .NET client of the platform API: NSwag's C# client generated from the gateway's aggregated OpenAPI 3.1 document.
/// NSwag 14 reads OpenAPI 3.0, so the document is first lowered to 3.0 (<see cref="LowerToOpenApi30"/>); nothing else about
/// it changes.
/// </summary>
public static class PlatformClientGenerator
{
    public const string DocumentFile = "docs/openapi/platform.v1.json";
    public const string OutputFile = "clients/dotnet/PatientExperience.Client/PlatformApiClient.g.cs";
    public const string RegenerateCommand = "dotnet run --project tools/ClientGenerator";

    public static async Task<string> GenerateAsync(string documentJson)
    {
        var lowered = LowerToOpenApi30(JsonNode.Parse(documentJson)!);
        var document = await OpenApiDocument.FromJsonAsync(lowered.ToJsonString());
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "PlatformApiClient",
            GenerateClientInterfaces = true,
            InjectHttpClient = true,
            DisposeHttpClient = false,
            UseBaseUrl = false,
            GenerateOptionalParameters = true,
            ExceptionClass = "PlatformApiException",
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
            CSharpGeneratorSettings =
            {
                Namespace = "PatientExperience.Client",
                JsonLibrary = CSharpJsonLibrary.SystemTextJson,
                GenerateNullableReferenceTypes = true,
                GenerateOptionalPropertiesAsNullable = true,
                ClassStyle = CSharpClassStyle.Poco,
                DateTimeType = "System.DateTimeOffset",
                ArrayType = "System.Collections.Generic.List",
                ArrayInstanceType = "System.Collections.Generic.List",
                DictionaryType = "System.Collections.Generic.Dictionary",
                DictionaryInstanceType = "System.Collections.Generic.Dictionary",
            },
        };
        var code = new CSharpClientGenerator(document, settings).GenerateFile();
        // One line ending whatever the platform, so the committed file compares equal everywhere.
        return code.Replace("\r\n", "\n");
    }

    /// <summary>
    /// OpenAPI 3.1 writes a nullable type as <c>"type": ["string", "null"]</c> and a number that may also arrive as a string as
    /// <c>"type": ["integer", "string"]</c>; 3.0 (what NSwag reads) has one type and <c>nullable</c>. The number keeps its
    /// number type (the API sends numbers).
    /// </summary>
    public static JsonNode LowerToOpenApi30(JsonNode document)
    {
        document["openapi"] = "3.0.3";
        Visit(document);
        return document;
    }

    private static void Visit(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["type"] is JsonArray types)
                {
                    var names = types.Select(t => t!.GetValue<string>()).ToList();
                    var nullable = names.Remove("null");
                    var number = names.FirstOrDefault(n => n is "integer" or "number");
                    if (number is not null && names.Contains("string"))
                    {
                        names = [number];
                        obj.Remove("pattern");
                    }

                    obj.Remove("type");
                    if (names.Count == 1) obj["type"] = names[0];
                    if (nullable) obj["nullable"] = true;
                }

                // A 3.1 "oneOf" of a reference and {"type":"null"} is a nullable reference in 3.0.
                if (obj["oneOf"] is JsonArray oneOf && oneOf.Any(IsNullType))
                {
                    var rest = oneOf.Where(s => !IsNullType(s)).Select(s => s!.DeepClone()).ToList();
                    obj.Remove("oneOf");
                    if (rest.Count == 1) obj["allOf"] = new JsonArray(rest[0]);
                    else obj["oneOf"] = new JsonArray([.. rest]);
                    obj["nullable"] = true;
                }

                foreach (var (_, child) in obj.ToList()) Visit(child);
                break;
            case JsonArray array:
                foreach (var child in array) Visit(child);
                break;
        }
    }

    private static bool IsNullType(JsonNode? schema) => schema is JsonObject o && o.Count == 1 && o["type"]?.GetValue<string>() == "null";

    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PatientExperiencePlatform.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run inside the repository (PatientExperiencePlatform.sln not found above the current folder).");
    }
}
