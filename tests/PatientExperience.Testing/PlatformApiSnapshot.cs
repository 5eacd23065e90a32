using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PatientExperience.ServiceDefaults.OpenApi;

namespace PatientExperience.Testing;

/// <summary>
/// The front-end artefacts derived from the services' committed documents: the aggregate <c>docs/openapi/platform.v1.json</c>
/// (what the gateway serves) and the TypeScript client's <c>clients/typescript/src/schema.d.ts</c>. With
/// <c>PXP_UPDATE_OPENAPI=1</c> every service's snapshot test rewrites both after its own document, under a lock shared by
/// all test processes, so one run of every OpenAPI test leaves them consistent whatever order the projects run in.
/// </summary>
public static class PlatformApiSnapshot
{
    public const string RegenerateCommand =
        "PXP_UPDATE_OPENAPI=1 dotnet test --solution PatientExperiencePlatform.sln -- --filter-class \"*OpenApiDocumentTests\" --ignore-exit-code 8";

    public static string OpenApiFolder => Path.Combine(RepositoryPaths.Root, "docs", "openapi");

    public static string DocumentFile => Path.Combine(OpenApiFolder, PlatformApiDocument.FileName);

    public static string SchemaFile => Path.Combine(RepositoryPaths.Root, NodeTools.ClientPackage, "src", "schema.d.ts");

    public static bool UpdateRequested => Environment.GetEnvironmentVariable(OpenApiSnapshot.UpdateVariable) == "1";

    /// <summary>The aggregate of the services' documents as committed now, as its file's text.</summary>
    public static string Build()
    {
        var routes = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "gateway", "gateway.routes.json")))?["ReverseProxy"]?["Routes"];
        return PlatformApiDocument.ToText(PlatformApiDocument.Build(PlatformApiDocument.ReadServiceDocuments(OpenApiFolder), routes));
    }

    /// <summary>
    /// Writes the aggregate, then the TypeScript schema generated from it (when the client's npm packages are installed;
    /// otherwise says so on the console: the client's test then fails until it is regenerated).
    /// </summary>
    public static async Task RegenerateAsync(CancellationToken cancellationToken)
    {
        await using var exclusive = await LockAsync(cancellationToken);
        await File.WriteAllTextAsync(DocumentFile, Build(), cancellationToken);
        var generated = await GenerateSchemaAsync(SchemaFile, cancellationToken);
        if (generated is not null) Console.WriteLine($"{Path.GetRelativePath(RepositoryPaths.Root, SchemaFile)} not regenerated: {generated}");
    }

    /// <summary>Runs openapi-typescript over the committed aggregate into <paramref name="output"/>; null when done, else why not.</summary>
    public static async Task<string?> GenerateSchemaAsync(string output, CancellationToken cancellationToken)
    {
        var (script, missing) = NodeTools.Script(NodeTools.ClientPackage, "openapi-typescript/bin/cli.js");
        if (script is null) return missing;
        var package = Path.Combine(RepositoryPaths.Root, NodeTools.ClientPackage);
        var run = await NodeTools.RunNodeAsync(script, [Path.GetRelativePath(package, DocumentFile), "--output", output], package, cancellationToken);
        if (run is null) return "node is not installed (apt-get install -y nodejs npm)";
        return run.ExitCode == 0 ? null : $"openapi-typescript failed: {run}";
    }

    /// <summary>One regeneration at a time across the test processes that a solution-wide run starts in parallel.</summary>
    private static async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var name = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RepositoryPaths.Root)))[..16];
        var path = Path.Combine(Path.GetTempPath(), $"pxp-openapi-{name}.lock");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(5));
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
        }
    }
}
