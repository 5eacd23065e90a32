using System.Text.Json;
using System.Text.Json.Nodes;

namespace PatientExperience.Testing;

/// <summary>
/// Keeps a service's committed API description (<c>docs/openapi/&lt;service&gt;.v1.json</c>) equal to what it serves. With
/// <c>PXP_UPDATE_OPENAPI=1</c> the served document is written there first, then the platform's aggregate and the TypeScript
/// client's schema are regenerated from it (<see cref="PlatformApiSnapshot"/>); review and commit the diff.
/// </summary>
public static class OpenApiSnapshot
{
    public const string UpdateVariable = "PXP_UPDATE_OPENAPI";

    /// <returns>Null when the committed document matches; otherwise what is wrong, for the assertion message.</returns>
    public static async Task<string?> CompareAsync(HttpClient service, string serviceName, CancellationToken cancellationToken)
    {
        var served = JsonNode.Parse(await service.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), cancellationToken))!;
        served["servers"] = new JsonArray(); // the test server's address is not part of the contract
        var relative = Path.Combine("docs", "openapi", $"{serviceName}.v1.json");
        var path = Path.Combine(RepositoryPaths.Root, relative);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken);
            // The aggregate the gateway serves and the TypeScript client follow every service's document.
            await PlatformApiSnapshot.RegenerateAsync(cancellationToken);
        }

        if (!File.Exists(path)) return $"{relative} is missing: run the tests with {UpdateVariable}=1 to write it.";
        return JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken)), served)
            ? null
            : $"{relative} is out of date: run the tests with {UpdateVariable}=1 and commit the change.";
    }
}
