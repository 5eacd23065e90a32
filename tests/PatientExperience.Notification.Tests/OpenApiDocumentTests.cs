using System.Text.Json;
using System.Text.Json.Nodes;
using PatientExperience.Testing;

namespace PatientExperience.Notification.Tests;

/// <summary>
/// The committed API description (docs/openapi/notification.v1.json) is what the service serves. After changing the API,
/// refresh it with PXP_UPDATE_OPENAPI=1 and review the diff.
/// </summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task The_committed_openapi_document_matches_the_service()
    {
        await using var app = await NotificationApp.StartAsync();
        var served = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;
        served["servers"] = new JsonArray(); // the test server's address is not part of the contract
        var text = served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var path = Path.Combine(RepositoryPaths.Root, "docs", "openapi", "notification.v1.json");

        if (Environment.GetEnvironmentVariable("PXP_UPDATE_OPENAPI") == "1")
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests with PXP_UPDATE_OPENAPI=1 to write it.");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)), served),
            "docs/openapi/notification.v1.json is out of date: run the tests with PXP_UPDATE_OPENAPI=1 and commit the change.");
    }
}
