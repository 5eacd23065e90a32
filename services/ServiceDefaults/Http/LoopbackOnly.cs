using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PatientExperience.ServiceDefaults.Http;

/// <summary>
/// Endpoints for the person at the machine only (the development token and mailbox): a caller from any other address is
/// answered 404, as if the endpoint did not exist, even in Development. The address is the client's after the trusted
/// proxies' forwarded headers are applied, so a local reverse proxy does not make a remote caller local.
/// </summary>
public static class LoopbackOnly
{
    /// <summary>Whether the request comes from this machine (or from an in-process test server, which has no peer address).</summary>
    public static bool IsLocal(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var remote = context.Connection.RemoteIpAddress;
        return remote is null || IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);
    }

    public static TBuilder RequireLoopback<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) => context.HttpContext.IsLocal() ? await next(context) : TypedResults.NotFound());
}
