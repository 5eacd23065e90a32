using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PatientExperience.ServiceDefaults.OpenApi;

/// <summary>
/// The one API description front-end teams read: every service's own document (<c>docs/openapi/&lt;service&gt;.v1.json</c>,
/// kept equal to what each service serves) merged into <c>docs/openapi/platform.v1.json</c>, which the gateway serves at
/// <c>/openapi/v1.json</c>. Only <c>/api/v1</c> paths; the gateway is the server; what the gateway adds to every call is
/// described here (429 on rate-limited public routes, 413 for bodies over its limit).
/// </summary>
public static class PlatformApiDocument
{
    public const string FileName = "platform.v1.json";
    public const string PathPrefix = "/api/v1/";
    public const string DefaultServer = "http://localhost:8080";
    private const string ProblemJson = "application/problem+json";
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    /// <summary>The service documents in a folder (every <c>*.v1.json</c> but the platform's own), by service name.</summary>
    public static SortedDictionary<string, JsonNode> ReadServiceDocuments(string folder)
    {
        var documents = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*.v1.json"))
        {
            if (Path.GetFileName(file) == FileName) continue;
            documents[Path.GetFileName(file)[..^".v1.json".Length]] = JsonNode.Parse(File.ReadAllText(file))!;
        }
        return documents;
    }

    /// <summary>Serialised as committed (indented, final newline).</summary>
    public static string ToText(JsonNode document) => document.ToJsonString(WriteOptions) + "\n";

    /// <summary>
    /// Merges the services' documents. <paramref name="gatewayRoutes"/> is the gateway's <c>ReverseProxy:Routes</c> object:
    /// operations it rate-limits get a 429. Throws when two services declare the same operation, operation id or a
    /// different schema under one name: rename in the service, the front end cannot tell them apart.
    /// </summary>
    public static JsonObject Build(IReadOnlyDictionary<string, JsonNode> services, JsonNode? gatewayRoutes)
    {
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        var schemas = new SortedDictionary<string, (string Service, JsonNode Schema)>(StringComparer.Ordinal);
        var tags = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var operationIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var limited = RateLimitedRoutes(gatewayRoutes);
        string? version = null;

        foreach (var (service, document) in services)
        {
            version ??= document["openapi"]?.GetValue<string>();
            foreach (var (path, item) in document["paths"]?.AsObject() ?? [])
            {
                if (!path.StartsWith(PathPrefix, StringComparison.Ordinal) || item is not JsonObject operations) continue;
                var merged = paths.TryGetValue(path, out var existing) ? existing : paths[path] = [];
                foreach (var (method, operation) in operations)
                {
                    if (merged.ContainsKey(method))
                        throw new InvalidOperationException($"{method.ToUpperInvariant()} {path} is declared by more than one service ({service} and another).");
                    var copy = operation!.DeepClone();
                    if (copy is JsonObject op && Methods.Contains(method))
                    {
                        var id = op["operationId"]?.GetValue<string>() ?? throw new InvalidOperationException($"{method.ToUpperInvariant()} {path} of {service} has no operationId (.WithName).");
                        if (!operationIds.TryAdd(id, service))
                            throw new InvalidOperationException($"The operationId {id} is used by {operationIds[id]} and {service}: operation ids must be unique across services.");
                        AddGatewayAnswers(op, path, method, limited);
                    }
                    merged[method] = copy;
                }
            }

            foreach (var (name, schema) in document["components"]?["schemas"]?.AsObject() ?? [])
            {
                if (schemas.TryGetValue(name, out var seen))
                {
                    if (!JsonNode.DeepEquals(seen.Schema, schema))
                        throw new InvalidOperationException($"The schema {name} differs between {seen.Service} and {service}: rename one of the types.");
                    continue;
                }
                schemas[name] = (service, schema!.DeepClone());
            }

            foreach (var tag in document["tags"]?.AsArray() ?? [])
            {
                if (tag?["name"]?.GetValue<string>() is { } name && !tags.ContainsKey(name)) tags[name] = tag.DeepClone();
            }
        }

        var components = new JsonObject
        {
            ["schemas"] = new JsonObject(schemas.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value.Schema))),
            ["securitySchemes"] = new JsonObject
            {
                [OperationConventions.BearerScheme] = new JsonObject
                {
                    ["type"] = "http",
                    ["description"] = "A token from the identity provider (Auth:Authority), or from GET /dev/token in Development. Claims: sub, role (a platform role, or integration), facility (one per facility, or *).",
                    ["scheme"] = "bearer",
                    ["bearerFormat"] = "JWT",
                },
            },
        };
        return new JsonObject
        {
            ["openapi"] = version ?? "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "Patient Experience Platform API",
                ["version"] = "v1",
                ["description"] = Description,
                ["license"] = new JsonObject { ["name"] = "Proprietary", ["identifier"] = "LicenseRef-Proprietary" },
            },
            // A variable rather than a fixed host: each gateway serves the document with its own address.
            ["servers"] = new JsonArray(new JsonObject
            {
                ["url"] = "{gateway}",
                ["description"] = "The gateway (the document served at /openapi/v1.json names the gateway that served it).",
                ["variables"] = new JsonObject
                {
                    ["gateway"] = new JsonObject { ["default"] = DefaultServer, ["description"] = "Scheme, host and port of the gateway; standalone mode listens on http://localhost:8080." },
                },
            }),
            ["paths"] = new JsonObject(paths.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["components"] = components,
            ["tags"] = new JsonArray([.. tags.Values.Select(t => t.DeepClone())]),
        };
    }

    /// <summary>The document as one gateway serves it: that gateway (scheme, host and path base of the request) is the server.</summary>
    public static JsonNode WithServer(JsonNode document, string serverUrl)
    {
        var copy = document.DeepClone();
        copy["servers"] = Servers(serverUrl);
        return copy;
    }

    private static JsonArray Servers(string url) => [new JsonObject { ["url"] = url, ["description"] = "The gateway" }];

    private const string Description = """
        Everything front ends call, through the gateway. Staff routes need a bearer JWT whose `facility` claims scope what the
        caller sees (each service checks this itself: another facility's record is a 404, asking to list another facility a 403).
        Public routes (`security: []`) are anonymous and rate-limited per client (429 with `Retry-After`).

        Errors are RFC 7807 problem details (`application/problem+json`) with a `traceId`; validation problems add
        `errors: { "<field>": ["<what to correct>"] }` and never quote what was sent. Request bodies are strict: a property the
        request does not have is a 400 naming it, and nothing is changed. Commands accept an `Idempotency-Key`; staff actions
        on a record need `If-Match` with its last `ETag` (428 when missing, 412 when stale).
        """;

    private static void AddGatewayAnswers(JsonObject operation, string path, string method, IReadOnlyList<(Regex Path, string[]? Methods)> limited)
    {
        var responses = operation["responses"] as JsonObject ?? (JsonObject)(operation["responses"] = new JsonObject());
        if (limited.Any(r => r.Path.IsMatch(path) && (r.Methods is null || r.Methods.Contains(method, StringComparer.OrdinalIgnoreCase))) && !responses.ContainsKey("429"))
        {
            responses["429"] = new JsonObject
            {
                ["description"] = "Too Many Requests: this client sent too many requests to a public route.",
                ["headers"] = new JsonObject
                {
                    ["Retry-After"] = new JsonObject { ["description"] = "Seconds to wait.", ["schema"] = new JsonObject { ["type"] = "integer" } },
                },
                ["content"] = ProblemContent(),
            };
        }
        if (operation.ContainsKey("requestBody") && !responses.ContainsKey("413"))
            responses["413"] = new JsonObject { ["description"] = "Content Too Large: the body is over the gateway's limit (Gateway:MaxRequestBodyBytes) or the service's (Http:MaxRequestBodyBytes); nothing was changed.", ["content"] = ProblemContent() };
        operation["responses"] = new JsonObject(responses.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => KeyValuePair.Create(r.Key, r.Value?.DeepClone())));
    }

    private static JsonObject ProblemContent() =>
        new() { [ProblemJson] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/ProblemDetails" } } };

    /// <summary>The gateway routes with a rate limiter, as a pattern over document paths (<c>{x}</c> one segment, <c>{**x}</c> the rest).</summary>
    private static List<(Regex Path, string[]? Methods)> RateLimitedRoutes(JsonNode? routes)
    {
        var limited = new List<(Regex, string[]?)>();
        foreach (var (_, route) in routes?.AsObject() ?? [])
        {
            if (route?["RateLimiterPolicy"] is null || route["Match"]?["Path"]?.GetValue<string>() is not { } pattern) continue;
            var regex = "^" + string.Concat(pattern.Split('/').Select((segment, i) => (i == 0 ? "" : "/") + Segment(segment))) + "$";
            var methods = route["Match"]?["Methods"]?.AsArray().Select(m => m!.GetValue<string>()).ToArray();
            limited.Add((new Regex(regex, RegexOptions.CultureInvariant), methods));
        }
        return limited;

        static string Segment(string segment) =>
            segment.StartsWith("{**", StringComparison.Ordinal) ? ".*"
            : segment.StartsWith('{') ? "[^/]+"
            : Regex.Escape(segment);
    }
}
