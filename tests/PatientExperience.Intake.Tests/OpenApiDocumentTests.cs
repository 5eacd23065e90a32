using PatientExperience.Testing;

namespace PatientExperience.Intake.Tests;

/// <summary>The committed API description (docs/openapi/intake.v1.json) is what the service serves.</summary>
public sealed class OpenApiDocumentTests(IntakeApp app) : IClassFixture<IntakeApp>
{
    [Fact]
    public async Task The_committed_openapi_document_matches_the_service() =>
        Assert.Null(await OpenApiSnapshot.CompareAsync(app.CreateClient(), "intake", TestContext.Current.CancellationToken));
}
