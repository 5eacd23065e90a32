using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace PatientExperience.Testing.Security;

/// <summary>One HTTP operation a service maps under <c>/api/</c>, as its route table holds it.</summary>
/// <param name="Route">The route pattern without constraints: <c>/api/v1/cases/{id}</c>.</param>
public sealed record ApiOperation(string Method, string Route, Endpoint Endpoint)
{
    /// <summary>How the operation is named in the security tables: <c>POST /api/v1/cases/{id}/notes</c>.</summary>
    public string Key => $"{Method} {Route}";

    public bool AllowsAnonymous => Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    /// <summary>The operation reads a JSON body (its handler binds one).</summary>
    public bool AcceptsJson => Endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>()
        .Any(a => a.ContentTypes.Any(c => c.Contains("json", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The authorization the endpoint declares: policy names and required roles of every <c>RequireAuthorization</c>.</summary>
    public IReadOnlyList<IAuthorizeData> Authorization => Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();

    /// <summary>Role requirements added by <c>RequireAuthorization(p =&gt; p.RequireRole(...))</c>.</summary>
    public IReadOnlyList<AuthorizationPolicy> Policies => Endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>();

    public override string ToString() => Key;
}

/// <summary>One gRPC method a service serves: <c>patientexperience.case.v1.CaseService/GetCase</c>.</summary>
public sealed record GrpcOperation(string Service, string Method)
{
    public string Key => $"{Service}/{Method}";

    public override string ToString() => Key;
}

/// <summary>
/// A service's operations read from its running route table (<see cref="EndpointDataSource"/>), so a table of expectations
/// keyed by operation covers a new endpoint the moment it is mapped: a test compares both and fails on anything unclassified.
/// </summary>
public static partial class RouteTable
{
    public static IReadOnlyList<ApiOperation> Http(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true || e.RoutePattern.RawText?.StartsWith("api/", StringComparison.Ordinal) == true)
            .Where(e => GrpcMethodOf(e) is null)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => new ApiOperation(m, Normalise(e.RoutePattern.RawText!), e)))
            .OrderBy(o => o.Route, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal)
            .ToList();

    /// <summary>The gRPC methods the service maps (not the catch-all endpoints that answer "unimplemented").</summary>
    public static IReadOnlyList<GrpcOperation> Grpc(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(GrpcMethodOf).OfType<GrpcOperation>()
            .Distinct()
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary><c>api/v1/cases/{id:guid}</c> -> <c>/api/v1/cases/{id}</c>; <c>/api/v1/cases/</c> -> <c>/api/v1/cases</c>.</summary>
    public static string Normalise(string raw) => "/" + Constraint().Replace(raw.Trim('/'), "{$1}");

    private static GrpcOperation? GrpcMethodOf(Endpoint endpoint)
    {
        // Grpc.AspNetCore's GrpcMethodMetadata holds the method's descriptor (Grpc.Core.IMethod).
        var metadata = endpoint.Metadata.FirstOrDefault(m => m.GetType().Name == "GrpcMethodMetadata");
        if (metadata?.GetType().GetProperty("Method")?.GetValue(metadata) is not global::Grpc.Core.IMethod method) return null;
        return new GrpcOperation(method.ServiceName, method.Name);
    }

    [GeneratedRegex(@"\{\*?\*?([A-Za-z0-9_]+)(:[^}]*)?\??\}")]
    private static partial Regex Constraint();
}
