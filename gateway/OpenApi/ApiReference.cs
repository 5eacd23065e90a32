using System.Text.Json;
using PatientExperience.ServiceDefaults.OpenApi;
using Scalar.AspNetCore;

namespace PatientExperience.Gateway.OpenApi;

/// <summary>
/// The front-end API description: <c>/openapi/v1.json</c>, the services' documents merged into one
/// (<c>docs/openapi/platform.v1.json</c>, embedded at build time) with this gateway as its server, and the interactive
/// reference (Scalar) at <c>/api-docs</c>, which asks nothing of any host but the gateway. Both anonymous: the description holds
/// no data.
/// </summary>
public static class ApiReference
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api-docs";
    private const string ServerPlaceholder = "__gateway_server__";

    // Serialised once around a placeholder server; each request only writes its own address in between.
    private static readonly Lazy<(string Before, string After)> Template = new(() =>
    {
        using var stream = typeof(ApiReference).Assembly.GetManifestResourceStream(PlatformApiDocument.FileName)
            ?? throw new InvalidOperationException($"{PlatformApiDocument.FileName} is not embedded in the gateway.");
        var text = PlatformApiDocument.WithServer(System.Text.Json.Nodes.JsonNode.Parse(stream)!, ServerPlaceholder).ToJsonString();
        var at = text.IndexOf(JsonSerializer.Serialize(ServerPlaceholder), StringComparison.Ordinal);
        return (text[..at], text[(at + JsonSerializer.Serialize(ServerPlaceholder).Length)..]);
    });

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapGet(DocumentPath, (HttpRequest request) =>
            {
                var server = JsonSerializer.Serialize($"{request.Scheme}://{request.Host}{request.PathBase}");
                return Results.Text(string.Concat(Template.Value.Before, server, Template.Value.After), "application/json");
            })
            .AllowAnonymous().ExcludeFromDescription();
        app.MapScalarApiReference(ReferencePath, options => options
                .WithTitle("Patient Experience Platform API")
                .WithOpenApiRoutePattern(DocumentPath)
                .AddPreferredSecuritySchemes("bearer")
                // Hospital networks often reach nothing beyond the gateway: the reference loads only from here (its script is
                // served by the gateway), with the browser's own fonts and no calls home.
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp())
            .AllowAnonymous();
        return app;
    }
}
