using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Contracts.Case.V1;
using PatientExperience.ServiceDefaults.Grpc;

namespace PatientExperience.Intake.Tests;

/// <summary>
/// Client-side balancing of the calls between services: a client given an address with a resolver scheme (in Kubernetes
/// <c>dns:///case-grpc:8081</c>, which a headless Service resolves to every pod) spreads its calls round-robin over every
/// address it resolves to, where an <c>http://</c> address keeps one connection to one server.
/// </summary>
public sealed class GrpcBalancingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_given_a_resolver_address_sends_its_calls_round_robin_to_every_server_it_resolves_to()
    {
        var (first, firstPort) = await StartCaseServerAsync("first");
        await using var _ = first;
        var (second, secondPort) = await StartCaseServerAsync("second");
        await using var __ = second;

        // Two pods behind one name, as a headless Service's DNS answer lists them (the static resolver stands in for DNS here).
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ =>
            [new BalancerAddress(IPAddress.Loopback.ToString(), firstPort), new BalancerAddress(IPAddress.Loopback.ToString(), secondPort)]));
        services.AddPlatformGrpcClient<CaseService.CaseServiceClient>(new ConfigurationBuilder().Build(), "Intake:CaseGrpcAddress", _ => "static:///case-grpc");
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<CaseService.CaseServiceClient>();

        // Calls until both servers have answered (round-robin goes over the connections that are up; the second may take a
        // moment to connect), at most 500.
        var answeredBy = new Dictionary<string, int>();
        for (var i = 0; i < 500 && answeredBy.Count < 2; i++)
        {
            var reply = await client.ListFacilitiesAsync(new ListFacilitiesRequest(), deadline: CallDeadline.After(TimeSpan.FromSeconds(20)), cancellationToken: Ct);
            var name = Assert.Single(reply.Facilities).FacilityId;
            answeredBy[name] = answeredBy.GetValueOrDefault(name) + 1;
        }

        Assert.Equal(["first", "second"], answeredBy.Keys.Order());
        // Once both are up, they take turns.
        var next = new List<string>();
        for (var i = 0; i < 10; i++)
            next.Add(Assert.Single((await client.ListFacilitiesAsync(new ListFacilitiesRequest(), deadline: CallDeadline.After(TimeSpan.FromSeconds(20)), cancellationToken: Ct)).Facilities).FacilityId);
        Assert.Equal(5, next.Count(n => n == "first"));
    }

    [Fact]
    public async Task An_http_address_keeps_one_server()
    {
        var (only, port) = await StartCaseServerAsync("only");
        await using var _ = only;
        var services = new ServiceCollection();
        services.AddPlatformGrpcClient<CaseService.CaseServiceClient>(new ConfigurationBuilder().Build(), "Intake:CaseGrpcAddress", _ => $"http://127.0.0.1:{port}");
        await using var provider = services.BuildServiceProvider();

        var reply = await provider.GetRequiredService<CaseService.CaseServiceClient>()
            .ListFacilitiesAsync(new ListFacilitiesRequest(), deadline: CallDeadline.After(TimeSpan.FromSeconds(20)), cancellationToken: Ct);

        Assert.Equal("only", Assert.Single(reply.Facilities).FacilityId);
    }

    [Fact]
    public void A_dns_address_is_balanced_round_robin_over_h2c_or_over_tls_when_trust_is_configured()
    {
        var plain = new GrpcChannelOptions();
        GrpcTls.Balance(new Uri("dns:///case-grpc:8081"), new GrpcTlsOptions(), plain);
        Assert.IsType<RoundRobinConfig>(Assert.Single(plain.ServiceConfig!.LoadBalancingConfigs));
        Assert.Same(ChannelCredentials.Insecure, plain.Credentials);

        var tls = new GrpcChannelOptions();
        GrpcTls.Balance(new Uri("dns:///case-grpc:8443"), new GrpcTlsOptions { UseSystemTrust = true }, tls);
        Assert.Same(ChannelCredentials.SecureSsl, tls.Credentials);

        var http = new GrpcChannelOptions();
        GrpcTls.Balance(new Uri("http://case-grpc:8081"), new GrpcTlsOptions(), http);
        Assert.Null(http.ServiceConfig);
        Assert.Null(http.Credentials);
    }

    [Theory]
    [InlineData("http://case:8081", true)]
    [InlineData("https://case.internal:8443", true)]
    [InlineData("dns:///case-grpc:8081", true)]
    [InlineData("dns:///case-grpc", false)]
    [InlineData("dns://authority/case-grpc:8081", false)]
    [InlineData("case-grpc:8081", false)]
    [InlineData("ftp://case:21", false)]
    public void A_grpc_address_is_http_https_or_dns_with_a_port(string address, bool valid) =>
        Assert.Equal(valid, new GrpcAddressAttribute().IsValid(address));

    /// <summary>A case service stand-in on its own loopback port whose facility list names it.</summary>
    private static async Task<(WebApplication App, int Port)> StartCaseServerAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new ServerName(name));
        var app = builder.Build();
        app.MapGrpcService<NamedFacilities>();
        await app.StartAsync(Ct);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return (app, address.Port);
    }

    private sealed record ServerName(string Value);

    private sealed class NamedFacilities(ServerName name) : CaseService.CaseServiceBase
    {
        public override Task<ListFacilitiesReply> ListFacilities(ListFacilitiesRequest request, ServerCallContext context) =>
            Task.FromResult(new ListFacilitiesReply { Facilities = { new FacilityEntry { FacilityId = name.Value, Name = name.Value, TimeZone = "UTC" } } });
    }
}
