using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Testing.Security;

/// <summary>
/// OWASP API5 (broken function level authorisation) from the route table: each operation's authorization metadata (its
/// policies and required roles, combined as the authorization middleware combines them) says which roles it admits; a token of
/// the owning facility in every other role gets 403, a token with no platform role 403, no token 401, and none of them writes
/// anything. Role rules inside a handler (which case actions a role may take) are the services' own tests.
/// </summary>
public static class FunctionLevelSweep
{
    /// <summary>A role that is no platform role, as a token from another application of the identity provider would carry.</summary>
    public const string ForeignRole = "visitor";

    /// <summary>Which of <see cref="CrossFacilitySweep.AllRoles"/> the operation's metadata refuses; null when it admits anonymous callers.</summary>
    public static async Task<IReadOnlyList<string>?> RefusedRolesAsync(ApiOperation operation, IServiceProvider services)
    {
        if (operation.AllowsAnonymous) return null;
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(provider, operation.Authorization, operation.Policies)
                     ?? await provider.GetFallbackPolicyAsync();
        if (policy is null) return null;
        return [.. CrossFacilitySweep.AllRoles.Where(role => !Admits(policy, role)), ForeignRole];
    }

    private static bool Admits(AuthorizationPolicy policy, string role) => policy.Requirements.All(r => r switch
    {
        RolesAuthorizationRequirement roles => roles.AllowedRoles.Contains(role, StringComparer.Ordinal),
        ClaimsAuthorizationRequirement claim when claim.ClaimType == PlatformClaims.Role => claim.AllowedValues is null || claim.AllowedValues.Contains(role, StringComparer.Ordinal),
        _ => true,
    });

    public static async Task<IReadOnlyList<string>> RunAsync(HttpClient client, IServiceProvider services, IReadOnlyDictionary<string, FacilityAccess> table,
        StoreWrites writes, Func<string, string, string> tokenFor, string owningFacility, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var operation in RouteTable.Http(services))
        {
            var probe = table.GetValueOrDefault(operation.Key) switch
            {
                FacilityObject o => o.Probe, FacilityListing l => l.Probe, FacilityCount n => n.Probe, _ => null,
            };
            if (probe is null || await RefusedRolesAsync(operation, services) is not { } refused) continue;

            var facility = probe.Facility ?? owningFacility;
            foreach (var role in refused)
            {
                var id = $"{operation.Key} as {role} of {facility}";
                using var response = await client.SendAsync(probe.ToRequest(tokenFor(role, facility), id), cancellationToken);
                if (response.StatusCode != HttpStatusCode.Forbidden)
                    failures.Add($"{id}: {(int)response.StatusCode}, expected 403 (the route admits no {role})");
                failures.AddRange(writes.ChangesBy(id).Select(w => $"{id}: changed the store: {w}"));
            }

            var anonymous = $"{operation.Key} without a token";
            using var request = probe.ToRequest("x", anonymous);
            request.Headers.Authorization = null;
            using var unauthenticated = await client.SendAsync(request, cancellationToken);
            if (unauthenticated.StatusCode != HttpStatusCode.Unauthorized)
                failures.Add($"{anonymous}: {(int)unauthenticated.StatusCode}, expected 401");
            failures.AddRange(writes.ChangesBy(anonymous).Select(w => $"{anonymous}: changed the store: {w}"));
        }

        return failures;
    }
}
