using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PatientExperience.ServiceDefaults.Grpc;

/// <summary>
/// Bound from <c>Grpc:Tls</c>: how a service's gRPC clients trust the services they call over <c>https://</c> addresses,
/// and the certificate they present when a server asks for one. An <c>http://</c> address (h2c) ignores all of it. An
/// <c>https://</c> address needs trust configured: <see cref="CaCertificatePath"/> (the platform's own CA; only it is
/// trusted), or <see cref="UseSystemTrust"/> (the operating system's CAs, e.g. a mesh or a public CA); otherwise the
/// service does not start.
/// </summary>
public sealed class GrpcTlsOptions
{
    public const string Section = "Grpc:Tls";

    /// <summary>A PEM file of the CA certificates that sign the services' certificates (a mounted secret or ConfigMap).</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Trust the operating system's CA store instead of <see cref="CaCertificatePath"/>.</summary>
    public bool UseSystemTrust { get; set; }

    /// <summary>PEM certificate presented to a server that asks for one (mutual TLS), with <see cref="ClientKeyPath"/>.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; set; }
}

/// <summary>A gRPC client's address and the configuration key it comes from, for the start-up check.</summary>
public sealed record GrpcClientAddress(string Key, Func<IServiceProvider, string> Address);

internal sealed class GrpcTlsOptionsValidator(IServiceProvider services, IEnumerable<GrpcClientAddress> clients) : IValidateOptions<GrpcTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, GrpcTlsOptions options)
    {
        var errors = new List<string>();
        var hasCa = !string.IsNullOrWhiteSpace(options.CaCertificatePath);
        if (hasCa && options.UseSystemTrust)
            errors.Add("Grpc:Tls: set either CaCertificatePath or UseSystemTrust, not both.");
        if (hasCa)
        {
            if (!File.Exists(options.CaCertificatePath)) errors.Add($"Grpc:Tls:CaCertificatePath: no file at '{options.CaCertificatePath}'.");
            else if (GrpcTls.LoadCertificates(options.CaCertificatePath!) is not { Count: > 0 })
                errors.Add($"Grpc:Tls:CaCertificatePath: '{options.CaCertificatePath}' holds no PEM certificate.");
        }

        var hasCert = !string.IsNullOrWhiteSpace(options.ClientCertificatePath);
        var hasKey = !string.IsNullOrWhiteSpace(options.ClientKeyPath);
        if (hasCert != hasKey) errors.Add("Grpc:Tls: ClientCertificatePath and ClientKeyPath go together.");
        if (hasCert && !File.Exists(options.ClientCertificatePath)) errors.Add($"Grpc:Tls:ClientCertificatePath: no file at '{options.ClientCertificatePath}'.");
        if (hasKey && !File.Exists(options.ClientKeyPath)) errors.Add($"Grpc:Tls:ClientKeyPath: no file at '{options.ClientKeyPath}'.");

        foreach (var client in clients.DistinctBy(c => c.Key))
        {
            if (Uri.TryCreate(client.Address(services), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !hasCa && !options.UseSystemTrust)
                errors.Add($"{client.Key} is an https address but no trust is configured for gRPC: set Grpc:Tls:CaCertificatePath to the PEM bundle of the CA "
                    + "that signs the services' certificates, or Grpc:Tls:UseSystemTrust=true.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// The gRPC clients' transport: h2c for <c>http://</c>, TLS with the configured trust for <c>https://</c>, and round-robin
/// over every address a <c>dns:///</c> address resolves to (client-side balancing across the pods of a headless Service).
/// </summary>
public static class GrpcTls
{
    /// <summary>
    /// Registers a gRPC client of another service at the address <paramref name="address"/> gives (from the setting named
    /// <paramref name="addressKey"/>), with <see cref="GrpcTlsOptions"/> validated at start-up against it.
    /// </summary>
    public static IHttpClientBuilder AddPlatformGrpcClient<TClient>(this IServiceCollection services, IConfiguration configuration, string addressKey,
        Func<IServiceProvider, string> address) where TClient : class
    {
        services.AddOptions<GrpcTlsOptions>().Bind(configuration.GetSection(GrpcTlsOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrpcTlsOptions>, GrpcTlsOptionsValidator>());
        services.AddSingleton(new GrpcClientAddress(addressKey, address));
        // dns:/// addresses are looked up again every 30 s, so pods that a headless Service adds or removes are picked up.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory>(new DnsResolverFactory(DnsRefreshInterval)));
        return services.AddGrpcClient<TClient>((sp, o) => o.Address = new Uri(address(sp)))
            .ConfigurePrimaryHttpMessageHandler(sp => CreateHandler(sp.GetRequiredService<IOptions<GrpcTlsOptions>>().Value))
            .ConfigureChannel((sp, channel) => Balance(new Uri(address(sp)), sp.GetRequiredService<IOptions<GrpcTlsOptions>>().Value, channel));
    }

    /// <summary>How often a <c>dns:///</c> address is resolved again.</summary>
    public static readonly TimeSpan DnsRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Client-side balancing: an address with a resolver scheme (<c>dns:///case-grpc:8081</c>, which against a headless Service
    /// resolves to every pod) gets a connection to each address it resolves to and sends calls round-robin over them; over TLS
    /// when trust is configured (<see cref="GrpcTlsOptions"/>), otherwise h2c. An <c>http://</c> or <c>https://</c> address
    /// keeps one connection to what its name resolves to first, as before.
    /// </summary>
    public static void Balance(Uri address, GrpcTlsOptions tls, GrpcChannelOptions channel)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(channel);
        if (address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps) return;
        channel.Credentials = !string.IsNullOrWhiteSpace(tls.CaCertificatePath) || tls.UseSystemTrust ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
        channel.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
    }

    /// <summary>
    /// The handler: with a CA bundle, a server's certificate must chain to one of its certificates (and name the host);
    /// the system's store is not consulted. With a client certificate, it is offered when the server asks.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(GrpcTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (!string.IsNullOrWhiteSpace(options.CaCertificatePath))
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(LoadCertificates(options.CaCertificatePath));
            handler.SslOptions.CertificateChainPolicy = policy;
        }

        if (!string.IsNullOrWhiteSpace(options.ClientCertificatePath) && !string.IsNullOrWhiteSpace(options.ClientKeyPath))
        {
            using var pem = X509Certificate2.CreateFromPemFile(options.ClientCertificatePath, options.ClientKeyPath);
            // Through PKCS#12 so that the key is usable by the TLS stack on every platform.
            handler.SslOptions.ClientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)];
        }

        return handler;
    }

    internal static X509Certificate2Collection LoadCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (CryptographicException)
        {
            // Not PEM: answered as "holds no certificate".
        }

        return certificates;
    }
}

/// <summary>
/// A gRPC address another service is reached at: <c>http://host:port</c> (h2c), <c>https://host:port</c> (TLS), or
/// <c>dns:///host:port</c> (every address the name resolves to, round-robin; see <see cref="GrpcTls.Balance"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class GrpcAddressAttribute : System.ComponentModel.DataAnnotations.ValidationAttribute
{
    public GrpcAddressAttribute() : base("{0} must be an absolute http://, https:// or dns:/// address with a host and port.")
    {
    }

    public override bool IsValid(object? value) =>
        value is not string { Length: > 0 } text
        || (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme switch
        {
            "http" or "https" => uri.Host.Length > 0,
            // dns:///host:port: the name and port are the path.
            "dns" => uri.Host.Length == 0 && uri.AbsolutePath.TrimStart('/') is { Length: > 0 } target && target.Contains(':', StringComparison.Ordinal),
            _ => false,
        });
}
