using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;
using PatientExperience.Storage;

namespace PatientExperience.Standalone;

/// <summary>
/// Bound from <c>Standalone</c>. The gateway listens on <see cref="GatewayPort"/> (all interfaces); the services' own HTTP API
/// and gRPC listen on loopback only, and the gateway reaches them there exactly as it would reach separate processes.
/// </summary>
public sealed class StandaloneOptions
{
    public const string Section = "Standalone";

    [Range(1, 65535)] public int GatewayPort { get; set; } = 8080;
    [Range(1, 65535)] public int ServicesPort { get; set; } = 5180;
    [Range(1, 65535)] public int GrpcPort { get; set; } = 5181;
}

public sealed record StandalonePorts(int Gateway, int Services, int Grpc);

public static class StandaloneHosting
{
    public static StandalonePorts AddStandaloneHosting(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(StandaloneOptions.Section).Get<StandaloneOptions>() ?? new StandaloneOptions();
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        if (new[] { options.GatewayPort, options.ServicesPort, options.GrpcPort }.Distinct().Count() != 3)
            throw new OptionsValidationException(StandaloneOptions.Section, typeof(StandaloneOptions), ["Standalone ports must differ."]);

        var ports = new StandalonePorts(options.GatewayPort, options.ServicesPort, options.GrpcPort);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenAnyIP(ports.Gateway);
            kestrel.Listen(IPAddress.Loopback, ports.Services);
            kestrel.Listen(IPAddress.Loopback, ports.Grpc, l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        });

        // The gateway reaches the services, and intake reaches the case service's gRPC, over loopback: the same code paths as distributed mode.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:intake:Destinations:primary:Address"] = $"http://127.0.0.1:{ports.Services}",
            ["ReverseProxy:Clusters:case:Destinations:primary:Address"] = $"http://127.0.0.1:{ports.Services}",
            ["ReverseProxy:Clusters:notification:Destinations:primary:Address"] = $"http://127.0.0.1:{ports.Services}",
            ["ReverseProxy:Clusters:survey:Destinations:primary:Address"] = $"http://127.0.0.1:{ports.Services}",
            ["ReverseProxy:Clusters:reporting:Destinations:primary:Address"] = $"http://127.0.0.1:{ports.Services}",
            ["ReverseProxy:Clusters:web:Destinations:primary:Address"] = $"http://127.0.0.1:{ports.Services}",
            // The pages call the API through the gateway, as in distributed mode.
            ["Web:GatewayBaseUrl"] = $"http://127.0.0.1:{ports.Gateway}",
            // Invitation links point at the gateway's patient pages.
            ["Survey:PublicBaseUrl"] = $"http://localhost:{ports.Gateway}",
            ["Complainants:PublicBaseUrl"] = $"http://localhost:{ports.Gateway}",
            ["Intake:CaseGrpcAddress"] = $"http://127.0.0.1:{ports.Grpc}",
            ["Notification:CaseGrpcAddress"] = $"http://127.0.0.1:{ports.Grpc}",
            ["Notification:IntakeGrpcAddress"] = $"http://127.0.0.1:{ports.Grpc}",
            // The embedded mode, chosen explicitly: outside Development a service without a broker or MongoDB refuses to start.
            ["Messaging:Transport"] = "InMemory",
            ["Storage:Provider"] = "Sqlite",
        });
        return ports;
    }

    public static void ReportStandaloneStart(this WebApplication app, StandalonePorts ports)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var storage = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
            var data = storage.InMemory ? "(in memory)" : Path.GetDirectoryName(StorageExtensions.DataFile(app.Services, storage, "any"))!;
            // Written to the console on purpose: this is what a newcomer reads after `dotnet run`.
            Console.WriteLine($"""

                Patient Experience Platform (standalone)
                  gateway:        http://localhost:{ports.Gateway}   (health: /health/ready)
                  data directory: {data}
                  dev token:      {(app.Environment.IsDevelopment() ? $"http://localhost:{ports.Gateway}/dev/token?role=patient-relations&facility=*" : "(Development environment only)")}
                  dev mailbox:    {(app.Environment.IsDevelopment() ? $"http://localhost:{ports.Gateway}/dev/mailbox   (email, SMS and pages: no SMTP server or provider here)" : "(Development environment only)")}

                """);
        });
    }
}
