using PatientExperience.ClientGenerator;
using PatientExperience.Testing;

namespace PatientExperience.Web.Tests;

/// <summary>The committed .NET client is what NSwag generates from the committed platform document: an API change regenerates it.</summary>
public sealed class GeneratedClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_committed_dotnet_client_is_generated_from_the_platform_document()
    {
        var document = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, PlatformClientGenerator.DocumentFile), Ct);
        var committed = Path.Combine(RepositoryPaths.Root, PlatformClientGenerator.OutputFile);

        var generated = await PlatformClientGenerator.GenerateAsync(document);

        Assert.True(File.Exists(committed), $"{PlatformClientGenerator.OutputFile} is missing: run {PlatformClientGenerator.RegenerateCommand}");
        Assert.True(generated == (await File.ReadAllTextAsync(committed, Ct)).Replace("\r\n", "\n"),
            $"The API changed: regenerate the .NET client with {PlatformClientGenerator.RegenerateCommand} and commit it.");
    }

    [Fact]
    public void Openapi_3_1_nullable_types_are_lowered_to_3_0_for_nswag()
    {
        var schema = System.Text.Json.Nodes.JsonNode.Parse("""
            {"openapi":"3.1.1","components":{"schemas":{"X":{"properties":{
              "a":{"type":["null","string"]},
              "n":{"type":["null","integer","string"],"pattern":"^-?\\d+$","format":"int32"},
              "p":{"oneOf":[{"type":"null"},{"$ref":"#/components/schemas/Y"}]}}}}}}
            """)!;

        var lowered = PlatformClientGenerator.LowerToOpenApi30(schema);

        var properties = lowered["components"]!["schemas"]!["X"]!["properties"]!;
        Assert.Equal("3.0.3", lowered["openapi"]!.GetValue<string>());
        Assert.Equal("""{"nullable":true,"type":"string"}""", Sorted(properties["a"]!));
        Assert.Equal("""{"format":"int32","nullable":true,"type":"integer"}""", Sorted(properties["n"]!));
        Assert.Equal("""{"allOf":[{"$ref":"#/components/schemas/Y"}],"nullable":true}""", Sorted(properties["p"]!));
    }

    private static string Sorted(System.Text.Json.Nodes.JsonNode node) =>
        new System.Text.Json.Nodes.JsonObject(node.AsObject().OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString();
}
