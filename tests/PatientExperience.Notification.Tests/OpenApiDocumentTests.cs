using PatientExperience.Testing;

namespace PatientExperience.Notification.Tests;

/// <summary>The committed API description (docs/openapi/notification.v1.json) is what the service serves.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task The_committed_openapi_document_matches_the_service()
    {
        await using var app = await NotificationApp.StartAsync();
        Assert.Null(await OpenApiSnapshot.CompareAsync(app.CreateClient(), "notification", TestContext.Current.CancellationToken));
    }
}
