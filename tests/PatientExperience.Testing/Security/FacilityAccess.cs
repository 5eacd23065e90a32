using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Grpc.Core;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Testing.Security;

/// <summary>
/// A request a security sweep sends: the same request as an allowed caller of the owning facility (which must reach the
/// object: neither 401, 403, 404 nor a 5xx) and as every role of another facility (which must be refused).
/// </summary>
/// <param name="Role">The role of the owning facility's caller that the operation allows (the positive control).</param>
/// <param name="Facility">The positive control's facility claim when it is not the owning facility (<c>*</c> for what only a token for every facility may do).</param>
/// <param name="ETagFrom">
/// A path whose answer's ETag (read by the owning facility just before each call) goes in the probe's If-Match, so a change that
/// slipped past the facility check would be applied, not refused as stale.
/// </param>
/// <param name="Body">An object sent as JSON, or a string sent as it is with <paramref name="MediaType"/> (a FHIR resource).</param>
public sealed record Probe(string Method, string Path, object? Body = null, string Role = "admin", string? Facility = null, string? ETagFrom = null,
    string MediaType = "application/json")
{
    public HttpRequestMessage ToRequest(string token, string probeId, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add(StoreWrites.ProbeHeader, probeId);
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch ?? "\"1\"");
        request.Content = Body switch
        {
            null => null,
            string raw => new StringContent(raw, Encoding.UTF8, MediaType),
            _ => JsonContent.Create(Body, Body.GetType()),
        };
        return request;
    }
}

/// <summary>How one operation stands towards a caller of another facility: the rows of a service's cross-facility table.</summary>
public abstract record FacilityAccess;

/// <summary>
/// The operation reaches one object that belongs to a facility (a case, a policy, a person, an action): a caller of another
/// facility gets <paramref name="Refusals"/> (404, existence not disclosed, unless the service documents 403) and changes nothing.
/// </summary>
public sealed record FacilityObject(Probe Probe, params HttpStatusCode[] Refusals) : FacilityAccess
{
    public IReadOnlyList<HttpStatusCode> Expected => Refusals.Length == 0 ? [HttpStatusCode.NotFound, HttpStatusCode.Forbidden] : Refusals;
}

/// <summary>
/// The operation lists or aggregates what facilities hold: a caller of another facility is refused, or answered without
/// <paramref name="Marker"/> (the id of an object seeded in the owning facility), which the owning facility's answer holds.
/// </summary>
public sealed record FacilityListing(Probe Probe, string Marker) : FacilityAccess;

/// <summary>
/// The operation counts or acts on what the caller may see (my unread entries, mark all read): a caller of another facility is
/// refused or answered with 0 in the JSON property <paramref name="Property"/>; the owning facility's answer is above 0.
/// </summary>
public sealed record FacilityCount(Probe Probe, string Property) : FacilityAccess;

/// <summary>Not about one facility's objects, with the reason: public (token-holding patients), self-scoped (my inbox), health-system wide.</summary>
public sealed record NotFacilityScoped(string Reason) : FacilityAccess;

/// <summary>How one gRPC method stands towards a service token of another facility.</summary>
public abstract record GrpcFacilityAccess;

/// <summary>
/// The method answers about one facility's object: <paramref name="Call"/> with the headers given, as a token of another
/// facility, fails with NotFound or PermissionDenied and writes nothing; as a token of the owning facility it succeeds.
/// </summary>
public sealed record GrpcFacilityObject(Func<Metadata, Task> Call) : GrpcFacilityAccess;

/// <summary>
/// The method lists what the caller may see (an inbox): as a token of another facility its answer (<paramref name="Call"/>
/// returns it as text) does not hold <paramref name="Marker"/>; as a token of the owning facility it does.
/// </summary>
public sealed record GrpcFacilityListing(Func<Metadata, Task<string>> Call, string Marker) : GrpcFacilityAccess;

/// <summary>Not about one facility's objects (the directory every service reads), with the reason.</summary>
public sealed record GrpcNotFacilityScoped(string Reason) : GrpcFacilityAccess;

/// <summary>
/// Runs a service's cross-facility table: every probe as each role of another facility (refused, and nothing written to the
/// store but the audit chain's record of the refusal), then as the allowed role of the owning facility (reaches the object).
/// </summary>
public static class CrossFacilitySweep
{
    /// <summary>Every staff role, plus the integration role of the EHR feed.</summary>
    public static IReadOnlyList<string> AllRoles => [.. PlatformClaims.Roles, PlatformClaims.IntegrationRole];

    /// <summary>Operations mapped but missing from the table, and table rows naming no mapped operation.</summary>
    public static IReadOnlyList<string> Unclassified(IEnumerable<string> mapped, IEnumerable<string> classified)
    {
        var m = mapped.ToHashSet(StringComparer.Ordinal);
        var c = classified.ToHashSet(StringComparer.Ordinal);
        return [.. m.Except(c).Select(k => $"{k}: mapped but not in the table (classify it)"), .. c.Except(m).Select(k => $"{k}: in the table but not mapped")];
    }

    public static async Task<IReadOnlyList<string>> RunAsync(HttpClient client, IReadOnlyDictionary<string, FacilityAccess> table, StoreWrites writes,
        Func<string, string, string> tokenFor, string owningFacility, string otherFacility, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var (key, access) in table.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (access is NotFacilityScoped) continue;
            var probe = access switch { FacilityObject o => o.Probe, FacilityListing l => l.Probe, FacilityCount n => n.Probe, _ => throw new InvalidOperationException(key) };
            if (!Matches(key, probe)) { failures.Add($"{key}: the probe {probe.Method} {probe.Path} is not this operation"); continue; }

            foreach (var role in AllRoles)
            {
                var id = $"{key} as {role} of {otherFacility}";
                var etag = await CurrentETagAsync(client, probe, tokenFor(probe.Role, probe.Facility ?? owningFacility), cancellationToken);
                using var response = await client.SendAsync(probe.ToRequest(tokenFor(role, otherFacility), id, etag), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                switch (access)
                {
                    case FacilityObject o when !o.Expected.Contains(response.StatusCode):
                        failures.Add($"{id}: {(int)response.StatusCode}, expected {string.Join(" or ", o.Expected.Select(s => (int)s))} {Trim(body)}");
                        break;
                    case FacilityListing l when response.IsSuccessStatusCode && body.Contains(l.Marker, StringComparison.OrdinalIgnoreCase):
                        failures.Add($"{id}: {(int)response.StatusCode} and the answer shows {l.Marker} of {owningFacility}");
                        break;
                    case FacilityCount n when response.IsSuccessStatusCode && CountIn(body, n.Property) != 0:
                        failures.Add($"{id}: {(int)response.StatusCode} and {n.Property} {CountIn(body, n.Property)} counts what {owningFacility} holds");
                        break;
                    case FacilityListing or FacilityCount when !response.IsSuccessStatusCode && response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound):
                        failures.Add($"{id}: {(int)response.StatusCode}, expected a refusal (403 or 404) or an answer without the other facility's data {Trim(body)}");
                        break;
                }

                failures.AddRange(writes.ChangesBy(id).Select(w => $"{id}: changed the store: {w}"));
            }
        }

        // The positive control, after every refusal: the same request from the owning facility reaches the object, so the
        // refusals above were the facility check and not a wrong path, an unknown id or a body the operation does not read.
        foreach (var (key, access) in table.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var id = $"{key} as {(access as FacilityObject)?.Probe.Role ?? (access as FacilityListing)?.Probe.Role ?? (access as FacilityCount)?.Probe.Role} of {owningFacility}";
            switch (access)
            {
                case FacilityObject o:
                {
                    using var response = await client.SendAsync(o.Probe.ToRequest(tokenFor(o.Probe.Role, o.Probe.Facility ?? owningFacility), id), cancellationToken);
                    if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound || (int)response.StatusCode >= 500)
                        failures.Add($"{id} (positive control): {(int)response.StatusCode} {Trim(await response.Content.ReadAsStringAsync(cancellationToken))}");
                    break;
                }
                case FacilityCount n:
                {
                    using var response = await client.SendAsync(n.Probe.ToRequest(tokenFor(n.Probe.Role, n.Probe.Facility ?? owningFacility), id), cancellationToken);
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    if (!response.IsSuccessStatusCode || CountIn(body, n.Property) is not > 0)
                        failures.Add($"{id} (positive control): {(int)response.StatusCode}, expected {n.Property} above 0 {Trim(body)}");
                    break;
                }
                case FacilityListing l:
                {
                    using var response = await client.SendAsync(l.Probe.ToRequest(tokenFor(l.Probe.Role, l.Probe.Facility ?? owningFacility), id), cancellationToken);
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    if (!response.IsSuccessStatusCode || !body.Contains(l.Marker, StringComparison.OrdinalIgnoreCase))
                        failures.Add($"{id} (positive control): {(int)response.StatusCode}, expected an answer showing {l.Marker} {Trim(body)}");
                    break;
                }
            }
        }

        return failures;
    }

    /// <summary>
    /// Runs a service's gRPC table: each facility-owned method with a service token (the services' audience) of another
    /// facility in every role is refused with NotFound or PermissionDenied and writes nothing; with a token of the owning
    /// facility (patient-relations, as services mint them) it succeeds.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RunGrpcAsync(IReadOnlyDictionary<string, GrpcFacilityAccess> table, StoreWrites writes,
        Func<string, string, string> serviceTokenFor, string owningFacility, string otherFacility)
    {
        var failures = new List<string>();
        foreach (var (key, access) in table.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (access is GrpcFacilityListing listing)
            {
                foreach (var role in AllRoles)
                {
                    var id = $"{key} as {role} of {otherFacility}";
                    try
                    {
                        if ((await listing.Call(Headers(serviceTokenFor(role, otherFacility), id))).Contains(listing.Marker, StringComparison.OrdinalIgnoreCase))
                            failures.Add($"{id}: the answer shows {listing.Marker} of {owningFacility}");
                    }
                    catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
                    {
                    }

                    failures.AddRange(writes.ChangesBy(id).Select(w => $"{id}: changed the store: {w}"));
                }

                var own = $"{key} as patient-relations of {owningFacility}";
                if (!(await listing.Call(Headers(serviceTokenFor("patient-relations", owningFacility), own))).Contains(listing.Marker, StringComparison.OrdinalIgnoreCase))
                    failures.Add($"{own} (positive control): the answer does not show {listing.Marker}");
                continue;
            }

            if (access is not GrpcFacilityObject call) continue;
            foreach (var role in AllRoles)
            {
                var id = $"{key} as {role} of {otherFacility}";
                try
                {
                    await call.Call(Headers(serviceTokenFor(role, otherFacility), id));
                    failures.Add($"{id}: answered, expected NotFound or PermissionDenied");
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
                {
                }
                catch (RpcException e)
                {
                    failures.Add($"{id}: {e.StatusCode} {e.Status.Detail}, expected NotFound or PermissionDenied");
                }

                failures.AddRange(writes.ChangesBy(id).Select(w => $"{id}: changed the store: {w}"));
            }

            var control = $"{key} as patient-relations of {owningFacility}";
            try
            {
                await call.Call(Headers(serviceTokenFor("patient-relations", owningFacility), control));
            }
            catch (RpcException e)
            {
                failures.Add($"{control} (positive control): {e.StatusCode} {e.Status.Detail}");
            }
        }

        return failures;
    }

    private static Metadata Headers(string token, string probe) =>
        new() { { "Authorization", "Bearer " + token }, { StoreWrites.ProbeHeader, probe } };

    private static async Task<string?> CurrentETagAsync(HttpClient client, Probe probe, string ownerToken, CancellationToken cancellationToken)
    {
        if (probe.ETagFrom is null) return null;
        using var read = new HttpRequestMessage(HttpMethod.Get, probe.ETagFrom);
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ownerToken);
        using var response = await client.SendAsync(read, cancellationToken);
        return response.Headers.ETag?.ToString() ?? throw new InvalidOperationException($"GET {probe.ETagFrom} answered {(int)response.StatusCode} without an ETag.");
    }

    /// <summary>Whether the probe's method and path are an instance of the operation's route template.</summary>
    public static bool Matches(string key, Probe probe)
    {
        var space = key.IndexOf(' ', StringComparison.Ordinal);
        if (!string.Equals(key[..space], probe.Method, StringComparison.OrdinalIgnoreCase)) return false;
        var pattern = "^" + Regex.Replace(Regex.Escape(key[(space + 1)..]), @"\\\{[A-Za-z0-9_]+}", "[^/?]+") + @"(\?.*)?$";
        return Regex.IsMatch(probe.Path, pattern);
    }

    private static long? CountIn(string body, string property)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty(property, out var value) && value.TryGetInt64(out var n) ? n : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Trim(string body) => body.Length <= 300 ? body : body[..300] + "...";

    public static string Report(IReadOnlyList<string> failures) =>
        new StringBuilder().AppendLine($"{failures.Count} problem(s):").AppendJoin(Environment.NewLine, failures).ToString();
}
