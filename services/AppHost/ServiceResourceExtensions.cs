using System.Globalization;

namespace PatientExperience.AppHost;

public static class ServiceResourceExtensions
{
    /// <summary>
    /// An HTTP/1.1 endpoint for the REST API and an HTTP/2-only (h2c) endpoint for gRPC, on fixed ports and not proxied, handed to
    /// Kestrel as named endpoints (Aspire's ASPNETCORE_URLS would add a third binding). Ready when <c>/health/ready</c> answers.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceEndpoints(this IResourceBuilder<ProjectResource> service, int httpPort, int grpcPort)
    {
        service.WithHttpEndpoint(port: httpPort, name: "http", isProxied: false)
            .WithEndpoint("grpc", e =>
            {
                e.Port = grpcPort;
                e.UriScheme = "http";
                e.Transport = "http2";
                e.IsProxied = false;
            })
            .WithEndpointsInEnvironment(_ => false)
            .WithEnvironment("Kestrel__Endpoints__Http__Url", service.GetEndpoint("http"))
            .WithEnvironment("Kestrel__Endpoints__Http__Protocols", "Http1")
            .WithEnvironment("Kestrel__Endpoints__Grpc__Url", service.GetEndpoint("grpc"))
            .WithEnvironment("Kestrel__Endpoints__Grpc__Protocols", "Http2")
            .WithUrlForEndpoint("http", u => u.DisplayText = "REST")
            .WithUrlForEndpoint("grpc", u => u.DisplayText = "gRPC (h2c)")
            .WithHttpHealthCheck("/health/ready", endpointName: "http");
        return service;
    }

    /// <summary>What every process needs: the AppHost's environment name (Development serves <c>/dev/token</c>) and the JWT signing key.</summary>
    public static IResourceBuilder<ProjectResource> WithPlatformDefaults(
        this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder, IResourceBuilder<ParameterResource> signingKey) =>
        service
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("DOTNET_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("Auth__SigningKey", signingKey);

    /// <summary>
    /// The service's own PHI key ring: its key (id <c>{service}-1</c>) and, when given, the key every service shared before as
    /// previous key <c>k1</c> (the id it was written under), so what it encrypted stays readable until re-encryption.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPhiKey(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<ParameterResource> key, IResourceBuilder<ParameterResource>? previousSharedKey)
    {
        service.WithEnvironment("Phi__EncryptionKey", key).WithEnvironment("Phi__KeyId", service.Resource.Name + "-1");
        return previousSharedKey is null ? service : service.WithEnvironment("Phi__PreviousKeys__k1", previousSharedKey);
    }

    /// <summary>What a service with a store and a bus needs besides: the broker (and to wait for it) and a data folder.</summary>
    public static IResourceBuilder<ProjectResource> WithBrokerAndStore(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString> rabbitmq, string dataDirectory) =>
        service
            .WithReference(rabbitmq)
            .WaitFor(rabbitmq)
            .WithEnvironment("Storage__DataDirectory", dataDirectory)
            // No MongoDB here: the embedded store, chosen explicitly (outside Development an unset store refuses to start).
            .WithEnvironment("Storage__Provider", "Sqlite");

    public static string Url(int port) => string.Create(CultureInfo.InvariantCulture, $"http://localhost:{port}");
}
