using PatientExperience.Case;
using PatientExperience.Gateway;
using PatientExperience.Intake;
using PatientExperience.Messaging;
using PatientExperience.ServiceDefaults;
using PatientExperience.Standalone;

var builder = WebApplication.CreateBuilder(args);
var ports = builder.AddStandaloneHosting();
builder.AddServiceDefaults();
builder.AddGatewayModule();
builder.AddIntakeModule();
builder.AddCaseModule();
builder.AddPlatformMessaging();

var app = builder.Build();
app.UseGatewayPipeline();
app.MapDefaultEndpoints();
app.MapGateway().RequireHost($"*:{ports.Gateway}");
app.MapIntakeApi().RequireHost($"*:{ports.Services}");
app.MapCaseApi().RequireHost($"*:{ports.Services}");
app.MapIntakeGrpc();
app.MapCaseGrpc();
app.ReportStandaloneStart(ports);
app.Run();
