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
// One PHI key per service: no service can decrypt another's data. phi-previous-key (optional) is the key they all shared
// before, listed as each one's previous key "k1" until re-encryption has rewritten what it wrote (docs/operations.md).
var phiKeys = new[] { "intake", "case", "survey", "notification" }.ToDictionary(s => s, s => builder.AddParameter($"{s}-phi-key", secret: true));
var previousPhiKey = builder.Configuration["Parameters:phi-previous-key"] is { Length: > 0 } ? builder.AddParameter("phi-previous-key", secret: true) : null;
var patientReferenceKey = builder.AddParameter("patient-reference-key", secret: true);

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
    .WithPhiKey(phiKeys["case"], previousPhiKey)
    .WithEnvironment("Directory__SeedDemo", "true")
    .WithEnvironment("Complainants__PublicBaseUrl", ServiceResourceExtensions.Url(Ports.Gateway));

var intake = builder.AddProject<Projects.PatientExperience_Intake>("intake", o => o.ExcludeLaunchProfile = true)
    .WithServiceEndpoints(Ports.IntakeHttp, Ports.IntakeGrpc)
    .WithPlatformDefaults(builder, signingKey)
    .WithBrokerAndStore(rabbitmq, serviceData)
    .WithPhiKey(phiKeys["intake"], previousPhiKey)
    .WithEnvironment("Intake__CaseGrpcAddress", caseService.GetEndpoint("grpc"))
    .WithEnvironment("Intake__PatientReferenceKey", patientReferenceKey)
    .WaitFor(caseService);

// Notifications: no SMTP server or SMS/pager provider is started here, so in Development those channels write to the
// development mailbox (http://localhost:5103/dev/mailbox). Give ConnectionStrings__smtp to the AppHost to send real email.
var notification = builder.AddProject<Projects.PatientExperience_Notification>("notification", o => o.ExcludeLaunchProfile = true)
    .WithServiceEndpoints(Ports.NotificationHttp, Ports.NotificationGrpc)
    .WithPlatformDefaults(builder, signingKey)
    .WithBrokerAndStore(rabbitmq, serviceData)
    .WithPhiKey(phiKeys["notification"], previousPhiKey)
    .WithEnvironment("Notification__CaseGrpcAddress", caseService.GetEndpoint("grpc"))
    .WithEnvironment("Notification__IntakeGrpcAddress", intake.GetEndpoint("grpc"))
    .WithEnvironment("Notification__ConsoleBaseUrl", ServiceResourceExtensions.Url(Ports.Gateway) + "/console")
    .WaitFor(caseService)
    .WaitFor(intake);
if (builder.Configuration.GetConnectionString("smtp") is { Length: > 0 } smtp) notification.WithEnvironment("ConnectionStrings__smtp", smtp);

// Surveys: invitation links point at the gateway's patient pages.
var survey = builder.AddProject<Projects.PatientExperience_Survey>("survey", o => o.ExcludeLaunchProfile = true)
    .WithServiceEndpoints(Ports.SurveyHttp, Ports.SurveyGrpc)
    .WithPlatformDefaults(builder, signingKey)
    .WithBrokerAndStore(rabbitmq, serviceData)
    .WithPhiKey(phiKeys["survey"], previousPhiKey)
    .WithEnvironment("Survey__PublicBaseUrl", ServiceResourceExtensions.Url(Ports.Gateway));

// Reporting: read models projected from every event; aggregates only, so no PHI key.
var reporting = builder.AddProject<Projects.PatientExperience_Reporting>("reporting", o => o.ExcludeLaunchProfile = true)
    .WithServiceEndpoints(Ports.ReportingHttp, Ports.ReportingGrpc)
    .WithPlatformDefaults(builder, signingKey)
    .WithBrokerAndStore(rabbitmq, serviceData);

// The web front end (patient pages, staff console): HTTP only, no broker or store; it calls the API through the gateway.
var web = builder.AddProject<Projects.PatientExperience_Web>("web", o => o.ExcludeLaunchProfile = true)
    .WithHttpEndpoint(port: Ports.WebHttp, name: "http", isProxied: false)
    .WithEndpointsInEnvironment(_ => false)
    .WithPlatformDefaults(builder, signingKey)
    .WithEnvironment("Kestrel__Endpoints__Http__Url", ServiceResourceExtensions.Url(Ports.WebHttp))
    .WithEnvironment("Web__GatewayBaseUrl", ServiceResourceExtensions.Url(Ports.Gateway))
    .WithHttpHealthCheck("/health/ready", endpointName: "http");

builder.AddProject<Projects.PatientExperience_Gateway>("gateway", o => o.ExcludeLaunchProfile = true)
    .WithHttpEndpoint(port: Ports.Gateway, name: "http", isProxied: false)
    .WithEndpointsInEnvironment(_ => false)
    .WithPlatformDefaults(builder, signingKey)
    .WithEnvironment("Kestrel__Endpoints__Http__Url", ServiceResourceExtensions.Url(Ports.Gateway))
    .WithEnvironment("ReverseProxy__Clusters__intake__Destinations__primary__Address", intake.GetEndpoint("http"))
    .WithEnvironment("ReverseProxy__Clusters__case__Destinations__primary__Address", caseService.GetEndpoint("http"))
    .WithEnvironment("ReverseProxy__Clusters__notification__Destinations__primary__Address", notification.GetEndpoint("http"))
    .WithEnvironment("ReverseProxy__Clusters__survey__Destinations__primary__Address", survey.GetEndpoint("http"))
    .WithEnvironment("ReverseProxy__Clusters__reporting__Destinations__primary__Address", reporting.GetEndpoint("http"))
    .WithEnvironment("ReverseProxy__Clusters__web__Destinations__primary__Address", web.GetEndpoint("http"))
    .WithHttpHealthCheck("/health/ready", endpointName: "http")
    .WaitFor(intake)
    .WaitFor(caseService)
    .WaitFor(notification)
    .WaitFor(survey)
    .WaitFor(reporting)
    .WaitFor(web);

// The dashboard's address and login link are printed by Aspire as it starts (http://localhost:18888 with the http profile).
using var app = builder.Build();
await app.RunAsync();

// Aspire stops the node as the AppHost stops; its Erlang port mapper (epmd) outlives it by design, so stop that here.
if (localNode is not null) await localNode.EnsureStoppedAsync(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PatientExperience.AppHost.RabbitMq"));
return 0;
