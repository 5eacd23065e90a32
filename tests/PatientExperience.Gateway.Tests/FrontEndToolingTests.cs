using PatientExperience.Testing;

namespace PatientExperience.Gateway.Tests;

/// <summary>
/// What front-end teams build on, checked by their own tools (npm packages installed by .ci/run; skipped with the reason
/// elsewhere when missing, failed under CI): Redocly's recommended rules pass on the aggregated description, and the
/// committed TypeScript client is generated from it and type-checks with its usage example, so an API change that breaks
/// front ends fails the build.
/// </summary>
public sealed class FrontEndToolingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string ClientFolder => Path.Combine(RepositoryPaths.Root, NodeTools.ClientPackage);

    [Fact]
    public async Task The_platform_document_passes_redoclys_recommended_rules()
    {
        var (script, missing) = NodeTools.Script(NodeTools.LintPackage, "@redocly/cli/bin/cli.js");
        if (script is null) SkipUnlessCi(missing!);

        var run = await NodeTools.RunNodeAsync(script!,
            ["lint", "--config", Path.Combine(RepositoryPaths.Root, NodeTools.LintPackage, "redocly.yaml"), "--format", "codeframe", PlatformApiSnapshot.DocumentFile],
            RepositoryPaths.Root, Ct);

        if (run is null) SkipUnlessCi("node is not installed (apt-get install -y nodejs npm)");
        Assert.True(run!.ExitCode == 0, $"redocly lint found errors in docs/openapi/platform.v1.json:\n{run}");
        // Warnings of the recommended rules count too (Redocly's own notices, such as Node.js deprecation, do not).
        Assert.False(System.Text.RegularExpressions.Regex.IsMatch(run.Output + run.Error, @"You have \d+ warnings?"), $"redocly lint warns about docs/openapi/platform.v1.json:\n{run}");
    }

    [Fact]
    public async Task The_committed_typescript_schema_is_generated_from_the_platform_document()
    {
        var temp = Directory.CreateTempSubdirectory("pxp-ts-schema-");
        try
        {
            var generated = Path.Combine(temp.FullName, "schema.d.ts");
            if (await PlatformApiSnapshot.GenerateSchemaAsync(generated, Ct) is { } missing) SkipUnlessCi(missing);

            Assert.True(File.Exists(PlatformApiSnapshot.SchemaFile), $"clients/typescript/src/schema.d.ts is missing: run {PlatformApiSnapshot.RegenerateCommand}");
            Assert.True(await File.ReadAllTextAsync(generated, Ct) == await File.ReadAllTextAsync(PlatformApiSnapshot.SchemaFile, Ct),
                $"API changed; regenerate with {PlatformApiSnapshot.RegenerateCommand} (or npm run generate in clients/typescript), then type-check and commit.");
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_typescript_client_and_its_usage_example_type_check()
    {
        var (tsc, missing) = NodeTools.Script(NodeTools.ClientPackage, "typescript/bin/tsc");
        if (tsc is null) SkipUnlessCi(missing!);

        var run = await NodeTools.RunNodeAsync(tsc!, ["--noEmit", "-p", "tsconfig.json"], ClientFolder, Ct);

        if (run is null) SkipUnlessCi("node is not installed (apt-get install -y nodejs npm)");
        Assert.True(run!.ExitCode == 0, $"The TypeScript client no longer compiles against the API (a breaking change?):\n{run}");
    }

    private static void SkipUnlessCi(string missing)
    {
        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
            $"CI must run this check, but {missing}.");
        Assert.Skip(missing);
    }
}
