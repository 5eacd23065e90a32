using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Case.V1;
using PatientExperience.ServiceDefaults.Grpc;

namespace PatientExperience.Intake.Tests;

/// <summary>
/// gRPC between services over TLS: a server with a certificate from a CA made here, a client that trusts that CA calls
/// through; a client without that trust cannot; an https address with no trust configured, or a certificate file that is
/// not there, stops the start with the setting named.
/// </summary>
public sealed class GrpcTlsTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("pxp-grpc-tls-");

    [Fact]
    public async Task A_client_that_trusts_the_services_ca_calls_over_tls_and_one_without_that_trust_cannot()
    {
        var (caPem, server) = IssueServerCertificate("Platform test CA");
        var caPath = Write("ca.pem", caPem);
        var (app, address) = await StartCaseServerAsync(server);
        await using var _ = app;
        Assert.StartsWith("https://", address, StringComparison.Ordinal);

        var trusted = ClientAt(address, new() { ["Grpc:Tls:CaCertificatePath"] = caPath });
        var reply = await trusted.ListFacilitiesAsync(new ListFacilitiesRequest(), deadline: CallDeadline.After(TimeSpan.FromSeconds(20)), cancellationToken: Ct);
        Assert.Equal("tls-general", Assert.Single(reply.Facilities).FacilityId);

        // The operating system's store does not know the platform's CA.
        var system = ClientAt(address, new() { ["Grpc:Tls:UseSystemTrust"] = "true" });
        var refused = await Assert.ThrowsAsync<RpcException>(() => system.ListFacilitiesAsync(new ListFacilitiesRequest(), deadline: CallDeadline.After(TimeSpan.FromSeconds(20)), cancellationToken: Ct).ResponseAsync);
        AssertRefusedByTls(refused);

        // Nor does trusting another CA.
        var (otherCaPem, _) = IssueServerCertificate("Another CA");
        var other = ClientAt(address, new() { ["Grpc:Tls:CaCertificatePath"] = Write("other-ca.pem", otherCaPem) });
        refused = await Assert.ThrowsAsync<RpcException>(() => other.ListFacilitiesAsync(new ListFacilitiesRequest(), deadline: CallDeadline.After(TimeSpan.FromSeconds(20)), cancellationToken: Ct).ResponseAsync);
        AssertRefusedByTls(refused);
        // Only the trusted call reached the service.
        Assert.Equal(1, app.Services.GetRequiredService<CallCount>().Value);
    }

    private static void AssertRefusedByTls(RpcException refused)
    {
        Assert.NotEqual(StatusCode.OK, refused.StatusCode);
        var chain = new List<Exception>();
        for (Exception? e = refused.Status.DebugException; e is not null; e = e.InnerException) chain.Add(e);
        Assert.Contains(chain, e => e is System.Security.Authentication.AuthenticationException);
    }

    [Fact]
    public void An_https_address_without_trust_configured_or_a_missing_certificate_file_stops_the_start()
    {
        var noTrust = Assert.Throws<OptionsValidationException>(() => Validate("https://case.internal:5443", []));
        Assert.Contains("Intake:CaseGrpcAddress is an https address but no trust is configured", noTrust.Message, StringComparison.Ordinal);
        Assert.Contains("Grpc:Tls:CaCertificatePath", noTrust.Message, StringComparison.Ordinal);

        var missing = Path.Combine(_dir.FullName, "absent.pem");
        var absent = Assert.Throws<OptionsValidationException>(() => Validate("https://case.internal:5443", new() { ["Grpc:Tls:CaCertificatePath"] = missing }));
        Assert.Contains($"Grpc:Tls:CaCertificatePath: no file at '{missing}'", absent.Message, StringComparison.Ordinal);
        var clientCert = Assert.Throws<OptionsValidationException>(() => Validate("http://case:5181", new() { ["Grpc:Tls:ClientCertificatePath"] = missing, ["Grpc:Tls:ClientKeyPath"] = missing }));
        Assert.Contains("Grpc:Tls:ClientCertificatePath: no file at", clientCert.Message, StringComparison.Ordinal);

        // h2c needs nothing.
        Validate("http://case:5181", []);
    }

    [Fact]
    public void Intake_does_not_start_with_an_https_case_address_and_no_trust()
    {
        using var app = new IntakeApp();
        using var https = app.WithWebHostBuilder(b => b.UseSetting("Intake:CaseGrpcAddress", "https://case.internal:5443"));

        var e = Assert.ThrowsAny<Exception>(() => https.CreateClient());

        var refusal = e as OptionsValidationException ?? (e as AggregateException)?.InnerExceptions.OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(refusal);
        Assert.Contains("Intake:CaseGrpcAddress is an https address but no trust is configured", refusal.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static ServiceProvider Services(string address, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddPlatformGrpcClient<CaseService.CaseServiceClient>(configuration, "Intake:CaseGrpcAddress", _ => address);
        return services.BuildServiceProvider();
    }

    private static void Validate(string address, Dictionary<string, string?> settings)
    {
        using var sp = Services(address, settings);
        _ = sp.GetRequiredService<IOptions<GrpcTlsOptions>>().Value;
    }

    private static CaseService.CaseServiceClient ClientAt(string address, Dictionary<string, string?> settings)
    {
        var sp = Services(address, settings);
        _ = sp.GetRequiredService<IOptions<GrpcTlsOptions>>().Value;
        return sp.GetRequiredService<CaseService.CaseServiceClient>();
    }

    /// <summary>A CA (its certificate as PEM) and a certificate for localhost and 127.0.0.1 that it signs, with its key.</summary>
    private static (string CaPem, X509Certificate2 Server) IssueServerCertificate(string caName)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var signed = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (ca.ExportCertificatePem(), server);
    }

    private static async Task<(WebApplication App, string Address)> StartCaseServerAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(certificate);
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<CallCount>();
        var app = builder.Build();
        app.MapGrpcService<FacilitiesOnly>();
        await app.StartAsync(Ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        // The certificate names localhost (and 127.0.0.1): the client checks the name it called.
        return (app, address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
    }

    private sealed class CallCount
    {
        private int _value;
        public int Value => _value;
        public void Add() => Interlocked.Increment(ref _value);
    }

    private sealed class FacilitiesOnly(CallCount calls) : CaseService.CaseServiceBase
    {
        public override Task<ListFacilitiesReply> ListFacilities(ListFacilitiesRequest request, ServerCallContext context)
        {
            calls.Add();
            return Task.FromResult(new ListFacilitiesReply { Facilities = { new FacilityEntry { FacilityId = "tls-general", Name = "TLS General", TimeZone = "UTC" } } });
        }
    }
}
