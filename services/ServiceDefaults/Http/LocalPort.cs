using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PatientExperience.ServiceDefaults.Http;

/// <summary>
/// Endpoints that answer only on the port the connection actually arrived on. <c>RequireHost("*:5180")</c> matches the
/// client's <c>Host</c> header, which the client chooses: a request to the public gateway port saying <c>Host: x:5180</c>
/// would reach a service's endpoints directly, around the gateway's rate limits. The connection's local port cannot be
/// forged, and it also keeps working behind an ingress that rewrites <c>Host</c> to a name without a port.
/// </summary>
public static class LocalPort
{
    /// <summary>Restricts the endpoints to connections accepted on <paramref name="port"/>.</summary>
    public static TBuilder RequireLocalPort<TBuilder>(this TBuilder builder, int port) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        builder.Add(endpoint => endpoint.Metadata.Add(new LocalPortMetadata(port)));
        return builder;
    }

    /// <summary>Registers the routing policy that honours <see cref="RequireLocalPort{TBuilder}"/>.</summary>
    public static IServiceCollection AddLocalPortRouting(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, LocalPortMatcherPolicy>());
        return services;
    }
}

/// <summary>The port an endpoint answers on.</summary>
public sealed record LocalPortMetadata(int Port);

/// <summary>
/// Drops candidate endpoints whose <see cref="LocalPortMetadata"/> names another port than the connection's local port, so
/// routing falls through to the endpoints of the port the request really came in on (or to 404).
/// </summary>
internal sealed class LocalPortMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // After the host policy and the other built-in policies; the order only matters among policies that invalidate.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<LocalPortMetadata>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var port = httpContext.Connection.LocalPort;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i)
                && candidates[i].Endpoint.Metadata.GetMetadata<LocalPortMetadata>() is { } required
                && required.Port != port)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}
