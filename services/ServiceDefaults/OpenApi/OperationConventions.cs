using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace PatientExperience.ServiceDefaults.OpenApi;

/// <summary>
/// What every operation of every service declares the same way, derived from its endpoint rather than written by hand:
/// the security it needs (bearer JWT from its authorization metadata; <c>security: []</c> for anonymous endpoints), and the
/// problem-details answers the platform gives for it (401/403 where a token is needed, 400 where a parameter or body can be
/// malformed, 404 where the path names a record), all <c>application/problem+json</c> with a ProblemDetails schema.
/// </summary>
internal static class OperationConventions
{
    public const string BearerScheme = "bearer";
    private const string ProblemJson = "application/problem+json";
    private const string ProblemDetailsSchema = nameof(ProblemDetails);
    private const string ValidationProblemSchema = nameof(HttpValidationProblemDetails);

    public static void Describe(OpenApiOptions options)
    {
        // Problem details carry extensions (traceId always, errors on validation problems): never a closed object.
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (typeof(ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type) && context.JsonPropertyInfo is null)
            {
                schema.AdditionalPropertiesAllowed = true;
                schema.AdditionalProperties = null;
                schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
                schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when reporting a problem." };
            }
            // A map of free JSON values (Dictionary<string, JsonElement>, e.g. survey answers by question id) takes any value,
            // not none: without this the schema reads as an object that admits no property at all.
            if (context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Dictionary
                && context.JsonTypeInfo.ElementType == typeof(System.Text.Json.JsonElement) && schema.AdditionalProperties is null)
            {
                schema.AdditionalProperties = new OpenApiSchema();
            }
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var document = context.Document!;
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var anonymous = metadata.OfType<IAllowAnonymous>().Any();
            var authorized = !anonymous && (metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any());

            if (authorized)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
                AddProblem(operation, document, StatusCodes.Status401Unauthorized, ProblemDetailsSchema);
                AddProblem(operation, document, StatusCodes.Status403Forbidden, ProblemDetailsSchema);
            }
            else if (anonymous)
            {
                operation.Security = [];
            }

            var parameters = context.Description.ParameterDescriptions;
            var hasBody = operation.RequestBody is not null;
            if (hasBody || parameters.Any(p => p.Source.Id is "Path" or "Query" or "Header"))
                AddProblem(operation, document, StatusCodes.Status400BadRequest, hasBody ? ValidationProblemSchema : ProblemDetailsSchema);
            if (parameters.Any(p => p.Source.Id == "Path"))
                AddProblem(operation, document, StatusCodes.Status404NotFound, ProblemDetailsSchema);

            // Optimistic concurrency: an operation that can answer 428 needs If-Match, one that can answer 412 takes it.
            var responses = operation.Responses ?? [];
            if ((responses.ContainsKey("428") || responses.ContainsKey("412")) && !(operation.Parameters ?? []).Any(p => p.Name == "If-Match"))
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-Match",
                    In = ParameterLocation.Header,
                    Required = responses.ContainsKey("428"),
                    Description = "The ETag last read, e.g. \"3\": a stale one is 412 and changes nothing.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }

            // Bare status results (TypedResults.NotFound(), Conflict()) are written as problem details by the status-code pages.
            foreach (var (code, response) in operation.Responses ?? [])
            {
                if (code.Length == 3 && code[0] is '4' or '5' && response is OpenApiResponse { Content: null or { Count: 0 } } bare)
                    bare.Content = ProblemContent(document, ProblemDetailsSchema);
            }
            return Task.CompletedTask;
        });

        options.AddDocumentTransformer(async (document, context, cancellationToken) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            if (!document.Components.Schemas.ContainsKey(ProblemDetailsSchema))
                document.Components.Schemas[ProblemDetailsSchema] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
            if (!document.Components.Schemas.ContainsKey(ValidationProblemSchema))
                document.Components.Schemas[ValidationProblemSchema] = await context.GetOrCreateSchemaAsync(typeof(HttpValidationProblemDetails), null, cancellationToken);
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token from the identity provider (Auth:Authority), or from GET /dev/token in Development. Claims: sub, role (a platform role, or integration), facility (one per facility, or *).",
            };
        });
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiDocument document, int status, string schema)
    {
        operation.Responses ??= [];
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.ContainsKey(code)) return;
        operation.Responses[code] = new OpenApiResponse
        {
            Description = ReasonPhrases.GetReasonPhrase(status),
            Content = ProblemContent(document, schema),
        };
    }

    private static Dictionary<string, OpenApiMediaType> ProblemContent(OpenApiDocument document, string schema) =>
        new() { [ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(schema, document) } };
}
