using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PatientExperience.ServiceDefaults.OpenApi;
using PatientExperience.Testing;

namespace PatientExperience.Gateway.Tests;

/// <summary>
/// The front-end API description: docs/openapi/platform.v1.json is the services' committed documents merged (each kept equal
/// to what its service serves by that service's tests), the gateway serves it at /openapi/v1.json with itself as the server,
/// and its reference UI at /api-docs.
/// </summary>
public sealed partial class ApiDescriptionTests(GatewayApp app) : IClassFixture<GatewayApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private static JsonNode Committed => JsonNode.Parse(File.ReadAllText(PlatformApiSnapshot.DocumentFile))!;

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        where Methods.Contains(operation.Key)
        select (path.Key, operation.Key, operation.Value!.AsObject());

    [Fact]
    public async Task The_committed_platform_document_is_the_services_documents_merged()
    {
        if (PlatformApiSnapshot.UpdateRequested) await PlatformApiSnapshot.RegenerateAsync(Ct);

        Assert.True(File.Exists(PlatformApiSnapshot.DocumentFile), $"docs/openapi/{PlatformApiDocument.FileName} is missing: run {PlatformApiSnapshot.RegenerateCommand}");
        Assert.True(PlatformApiSnapshot.Build() == await File.ReadAllTextAsync(PlatformApiSnapshot.DocumentFile, Ct),
            $"docs/openapi/{PlatformApiDocument.FileName} is out of date with the services' documents: run {PlatformApiSnapshot.RegenerateCommand} and commit the change.");
    }

    [Fact]
    public async Task The_gateway_serves_the_platform_document_with_itself_as_the_server()
    {
        var response = await app.CreateClient().GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("http://localhost", served["servers"]![0]!["url"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(PlatformApiDocument.WithServer(Committed, "http://localhost"), served),
            "The gateway serves another document than docs/openapi/platform.v1.json: rebuild the gateway (it embeds the file).");
    }

    [Fact]
    public void The_document_is_openapi_3_1_and_holds_only_the_public_api()
    {
        var document = Committed;

        Assert.StartsWith("3.1.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(document["paths"]!.AsObject(), p => Assert.StartsWith("/api/v1/", p.Key, StringComparison.Ordinal));
        Assert.Equal(PlatformApiDocument.DefaultServer, document["servers"]![0]!["variables"]!["gateway"]!["default"]!.GetValue<string>());
        // Every service's paths are in it.
        foreach (var (service, serviceDocument) in PlatformApiDocument.ReadServiceDocuments(PlatformApiSnapshot.OpenApiFolder))
            Assert.All(serviceDocument["paths"]!.AsObject().Where(p => p.Key.StartsWith("/api/v1/", StringComparison.Ordinal)),
                p => Assert.True(document["paths"]![p.Key] is not null, $"{p.Key} of {service} is missing."));
    }

    [Fact]
    public void Every_operation_has_a_unique_id_a_summary_its_security_typed_bodies_and_problem_answers()
    {
        var operations = Operations(Committed).ToList();
        Assert.NotEmpty(operations);
        Assert.Equal(operations.Count, operations.Select(o => o.Operation["operationId"]?.GetValue<string>()).Distinct().Count());

        foreach (var (path, method, operation) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            Assert.False(string.IsNullOrWhiteSpace(operation["operationId"]?.GetValue<string>()), $"{name} has no operationId.");
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{name} has no summary.");
            var security = Assert.IsType<JsonArray>(operation["security"], exactMatch: false);
            Assert.True(security.Count == 0 || security.All(s => s!["bearer"] is not null), $"{name} names another security scheme.");

            var responses = operation["responses"]!.AsObject();
            Assert.Contains(responses, r => r.Key.StartsWith('2'));
            foreach (var (code, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                var content = response!["content"]?.AsObject();
                Assert.True(content is not null && content.Any(c => c.Key is "application/problem+json" or "application/fhir+json" && c.Value?["schema"] is not null),
                    $"{name} answers {code} without a problem-details (or FHIR OperationOutcome) schema.");
            }
            if (security.Count > 0)
            {
                Assert.True(responses.ContainsKey("401"), $"{name} needs a token but declares no 401.");
                Assert.True(responses.ContainsKey("403"), $"{name} needs a token but declares no 403.");
            }
            else
            {
                Assert.True(responses.ContainsKey("429"), $"{name} is public but declares no 429 (rate limit).");
            }
            if (operation["requestBody"] is { } body)
            {
                Assert.All(body["content"]!.AsObject(), c => Assert.NotNull(c.Value?["schema"]));
                Assert.True(responses.ContainsKey("400"), $"{name} takes a body but declares no 400.");
            }
            if (path.Contains('{', StringComparison.Ordinal)) Assert.True(responses.ContainsKey("404"), $"{name} names a record but declares no 404.");
        }
    }

    public static TheoryData<string, string, bool> EveryOperation()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var (path, method, operation) in Operations(Committed))
            data.Add(method.ToUpperInvariant(), path, operation["security"]?.AsArray().Count == 0);
        return data;
    }

    /// <summary>
    /// What the document says about each operation is what the gateway does: it routes it to a service, lets a public one
    /// through without a token and refuses a protected one without.
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryOperation))]
    public async Task Every_operation_is_routed_by_the_gateway_with_the_security_the_document_states(string method, string path, bool isPublic)
    {
        var concrete = Parameter().Replace(path, "00000000-0000-0000-0000-000000000001");
        using var content = method is "POST" or "PUT" or "PATCH" ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json") : null;

        var (anonymous, anonymousMarker) = MarkedRequest.Create(new HttpMethod(method), concrete, content);
        var anonymousResponse = await app.CreateClient().SendAsync(anonymous, Ct);

        if (isPublic)
        {
            Assert.True(anonymousResponse.IsSuccessStatusCode, $"{method} {path} is public in the document, but the gateway answered {(int)anonymousResponse.StatusCode} without a token.");
            Assert.Single(app.Backend.ReceivedFor(anonymousMarker));
            return;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, anonymousResponse.StatusCode);
        Assert.Empty(app.Backend.ReceivedFor(anonymousMarker));
        var role = path.StartsWith("/api/v1/fhir", StringComparison.Ordinal) ? "integration" : "patient-relations";
        var (authorised, marker) = MarkedRequest.Create(new HttpMethod(method), concrete,
            content is null ? null : new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var response = await app.ClientWithToken(GatewayApp.TokenFor(role)).SendAsync(authorised, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} with a {role} token: the gateway answered {(int)response.StatusCode}; is it routed?");
        Assert.Single(app.Backend.ReceivedFor(marker));
    }

    [Fact]
    public async Task The_api_reference_is_served_and_reads_the_platform_document()
    {
        var client = app.CreateClient();

        var page = await client.GetAsync("/api-docs", Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(Ct);
        // Scalar resolves the document against the application's base path: /openapi/v1.json of this gateway.
        Assert.True(html.Contains("\"url\":\"openapi/v1.json\"", StringComparison.Ordinal), html);
        // Its scripts are served by the gateway itself (no CDN: hospital networks often block them).
        var pageUri = page.RequestMessage!.RequestUri!;
        Assert.EndsWith("/api-docs/", pageUri.AbsolutePath, StringComparison.Ordinal);
        var scripts = Regex.Matches(html, "<script[^>]+src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.False(script.StartsWith("http", StringComparison.OrdinalIgnoreCase), $"The reference loads {script} from elsewhere.");
            var scriptResponse = await client.GetAsync(new Uri(pageUri, script), Ct);
            Assert.Equal(HttpStatusCode.OK, scriptResponse.StatusCode);
        }
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
