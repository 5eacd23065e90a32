using PatientExperience.Testing;

namespace PatientExperience.Case.Tests;

/// <summary>The committed API description (docs/openapi/case.v1.json) is what the service serves.</summary>
public sealed class OpenApiDocumentTests(CaseApp app) : IClassFixture<CaseApp>
{
    [Fact]
    public async Task The_committed_openapi_document_matches_the_service() =>
        Assert.Null(await OpenApiSnapshot.CompareAsync(app.CreateClient(), "case", TestContext.Current.CancellationToken));
}
