using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PatientExperience.Reporting;

/// <summary>OpenAPI for endpoints that answer with a file (a chart, a governance pack): the 200 body is binary, not base64.</summary>
internal static class FileResponses
{
    public static RouteHandlerBuilder ProducesFile(this RouteHandlerBuilder endpoint, params string[] contentTypes) =>
        endpoint.Produces<byte[]>(StatusCodes.Status200OK, contentTypes[0], contentTypes[1..]).AddOpenApiOperationTransformer(DescribeBinary);

    private static Task DescribeBinary(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
        {
            foreach (var media in content.Values) media.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        }

        return Task.CompletedTask;
    }
}
