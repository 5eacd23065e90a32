using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PatientExperience.ServiceDefaults.Http;

namespace PatientExperience.Testing.Security;

/// <summary>
/// OWASP API3 (mass assignment) and API4 (unrestricted resource consumption) on every operation of a service that reads a
/// JSON body, from its route table: server-owned fields the request type does not have are refused with a 400 that names
/// them and change nothing; a body nested 10,000 deep is a 400 problem, never a 500.
/// </summary>
public static partial class BodyAbuseSweep
{
    /// <summary>Fields the server owns on the platform's records; a caller must never set them through a request body.</summary>
    public static readonly IReadOnlyList<string> ServerOwnedFields =
        ["id", "version", "status", "createdAt", "updatedAt", "escalationLevel", "caseNumber", "submittedBy", "facilityId", "auditHash", "deliveredAt"];

    /// <summary>The operations that read a JSON body, with the request type they bind.</summary>
    public static IReadOnlyList<(ApiOperation Operation, Type? RequestType)> JsonOperations(IServiceProvider services) =>
        RouteTable.Http(services).Where(o => o.AcceptsJson)
            .Select(o => (o, o.Endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>().Select(a => a.RequestType).FirstOrDefault(t => t is not null)))
            .ToList();

    public static async Task<IReadOnlyList<string>> RunAsync(HttpClient client, IServiceProvider services, IReadOnlyDictionary<string, FacilityAccess> table,
        StoreWrites writes, Func<string, string, string> tokenFor, string owningFacility, string otherFacility, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var operations = JsonOperations(services);
        if (operations.Count == 0) failures.Add("no operation reads a JSON body: the route table was not read");
        foreach (var (operation, requestType) in operations)
        {
            var probe = table.GetValueOrDefault(operation.Key) switch
            {
                FacilityObject o => o.Probe, FacilityListing l => l.Probe, FacilityCount n => n.Probe, _ => null,
            };
            var path = probe?.Path ?? Parameter().Replace(operation.Route, m => m.Groups[1].Value == "version" ? "1" : Guid.NewGuid().ToString());
            var role = probe?.Role ?? "admin";
            var facility = probe?.Facility ?? owningFacility;
            var baseBody = probe?.Body is { } b and not string ? JsonSerializer.SerializeToNode(b, b.GetType(), JsonSerializerOptions.Web)!.AsObject() : new JsonObject();
            var known = requestType?.GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];

            foreach (var field in ServerOwnedFields.Where(f => !known.Contains(f)))
            {
                var id = $"{operation.Key} with {field}";
                var body = baseBody.DeepClone().AsObject();
                body[field] = field switch
                {
                    "version" => 99, "facilityId" => otherFacility, "createdAt" or "updatedAt" or "deliveredAt" => "2020-01-01T00:00:00Z",
                    "escalationLevel" => "executive", "status" => "closed", _ => Guid.NewGuid().ToString(),
                };
                using var response = await SendAsync(client, operation.Method, path, body.ToJsonString(), tokenFor(role, facility), id, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode != HttpStatusCode.BadRequest || !NamesField(text, field))
                    failures.Add($"{id}: {(int)response.StatusCode}, expected 400 naming {field} {Trim(text)}");
                failures.AddRange(writes.ChangesBy(id).Select(w => $"{id}: changed the store: {w}"));
            }

            var deep = $"{operation.Key} nested 10000 deep";
            using (var nested = await SendAsync(client, operation.Method, path, new string('[', 10_000) + new string(']', 10_000), tokenFor(role, facility), deep, cancellationToken))
            {
                var text = await nested.Content.ReadAsStringAsync(cancellationToken);
                if (nested.StatusCode != HttpStatusCode.BadRequest || nested.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    failures.Add($"{deep}: {(int)nested.StatusCode} {nested.Content.Headers.ContentType?.MediaType}, expected a 400 problem {Trim(text)}");
                failures.AddRange(writes.ChangesBy(deep).Select(w => $"{deep}: changed the store: {w}"));
            }
        }

        return failures;
    }

    /// <summary>
    /// OWASP API4 in the service itself: every operation that takes a body (POST, PUT, PATCH) sent one byte over the service's
    /// <c>Http:MaxRequestBodyBytes</c> answers 413 (an RFC 7807 problem, or the endpoint's own format where it bounds its own
    /// body, <see cref="OwnBodyLimit"/>) and writes nothing, whatever the caller's role.
    /// </summary>
    public static async Task<IReadOnlyList<string>> OversizedAsync(HttpClient client, IServiceProvider services, IReadOnlyDictionary<string, FacilityAccess> table,
        StoreWrites writes, Func<string, string, string> tokenFor, string owningFacility, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var max = services.GetRequiredService<IOptions<HttpLimitsOptions>>().Value.MaxRequestBodyBytes;
        // A JSON object one byte over the limit: {"text":"xxx..."}.
        var oversized = "{\"text\":\"" + new string('x', (int)max - 10) + "\"}";
        if (Encoding.UTF8.GetByteCount(oversized) != max + 1) failures.Add($"the oversized body is {Encoding.UTF8.GetByteCount(oversized)} bytes, not {max + 1}");
        var operations = RouteTable.Http(services).Where(o => o.Method is "POST" or "PUT" or "PATCH").ToList();
        if (operations.Count == 0) failures.Add("no operation takes a body: the route table was not read");
        foreach (var operation in operations)
        {
            var probe = table.GetValueOrDefault(operation.Key) switch
            {
                FacilityObject o => o.Probe, FacilityListing l => l.Probe, FacilityCount n => n.Probe, _ => null,
            };
            var path = probe?.Path ?? Parameter().Replace(operation.Route, m => m.Groups[1].Value == "version" ? "1" : Guid.NewGuid().ToString());
            var id = $"{operation.Key} with {max + 1} bytes";
            using var response = await SendAsync(client, operation.Method, path, oversized, tokenFor(probe?.Role ?? "admin", probe?.Facility ?? owningFacility), id, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var ownFormat = operation.Endpoint.Metadata.GetMetadata<OwnBodyLimit>() is not null;
            if (response.StatusCode != HttpStatusCode.RequestEntityTooLarge || (!ownFormat && response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
                failures.Add($"{id}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}, expected a 413 problem {Trim(text)}");
            failures.AddRange(writes.ChangesBy(id).Select(w => $"{id}: changed the store: {w}"));
        }

        return failures;
    }

    private static bool NamesField(string problem, string field)
    {
        try
        {
            using var json = JsonDocument.Parse(problem);
            return json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
                && errors.EnumerateObject().Any(e => string.Equals(e.Name, field, StringComparison.OrdinalIgnoreCase));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string json, string token, string probe, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add(StoreWrites.ProbeHeader, probe);
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        return await client.SendAsync(request, ct);
    }

    private static string Trim(string body) => body.Length <= 300 ? body : body[..300] + "...";

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Parameter();
}
