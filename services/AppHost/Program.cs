using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PatientExperience.AppHost;
using PatientExperience.AppHost.RabbitMq;

var builder = DistributedApplication.CreateBuilder(args);

var settings = builder.Configuration.GetSection(AppHostSettings.Section).Get<AppHostSettings>() ?? new AppHostSettings();
var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
var dataRoot = Path.GetFullPath(Path.Combine(repositoryRoot, settings.DataDirectory));
var serviceData = Path.Combine(dataRoot, "distributed");
Directory.CreateDirectory(serviceData);

// Development values come from appsettings.Development.json (Parameters:...); elsewhere from the environment or user secrets.
var signingKey = builder.AddParameter("auth-signing-key", secret: true);
var phiKey = builder.AddParameter("phi-encryption-key", secret: true);

IResourceBuilder<IResourceWithConnectionString> rabbitmq;
LocalRabbitMqNode? localNode;
try
{
    rabbitmq = builder.AddPlatformRabbitMq("rabbitmq", settings.RabbitMq, dataRoot, out localNode);
}
catch (AppHostConfigurationException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

var caseService = builder.AddProject<Projects.PatientExperience_Case>("case", o => o.ExcludeLaunchProfile = true)
    .WithServiceEndpoints(Ports.CaseHttp, Ports.CaseGrpc)
    .WithPlatformDefaults(builder, signingKey)
    .WithBrokerAndStore(rabbitmq, serviceData)
    .WithEnvironment("Phi__EncryptionKey", phiKey)
    .WithEnvironment("Directory__SeedDemo", "true");

var intake = builder.AddProject<Projects.PatientExperience_Intake>("intake", o => o.ExcludeLaunchProfile = true)
    .WithServiceEndpoints(Ports.IntakeHttp, Ports.IntakeGrpc)
    .WithPlatformDefaults(builder, signingKey)
    .WithBrokerAndStore(rabbitmq, serviceData)
    .WithEnvironment("Phi__EncryptionKey", phiKey)
    .WithEnvironment("Intake__CaseGrpcAddress", caseService.GetEndpoint("grpc"))
    .WaitFor(caseService);

builder.AddProject<Projects.PatientExperience_Gateway>("gateway", o => o.ExcludeLaunchProfile = true)
    .WithHttpEndpoint(port: Ports.Gateway, name: "http", isProxied: false)
    .WithEndpointsInEnvironment(_ => false)
    .WithPlatformDefaults(builder, signingKey)
    .WithEnvironment("Kestrel__Endpoints__Http__Url", ServiceResourceExtensions.Url(Ports.Gateway))
    .WithEnvironment("ReverseProxy__Clusters__intake__Destinations__primary__Address", intake.GetEndpoint("http"))
    .WithEnvironment("ReverseProxy__Clusters__case__Destinations__primary__Address", caseService.GetEndpoint("http"))
    .WithHttpHealthCheck("/health/ready", endpointName: "http")
    .WaitFor(intake)
    .WaitFor(caseService);

// The dashboard's address and login link are printed by Aspire as it starts (http://localhost:18888 with the http profile).
using var app = builder.Build();
await app.RunAsync();

// Aspire stops the node as the AppHost stops; its Erlang port mapper (epmd) outlives it by design, so stop that here.
if (localNode is not null) await localNode.EnsureStoppedAsync(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PatientExperience.AppHost.RabbitMq"));
return 0;
