using PatientExperience.Case;
using PatientExperience.Gateway;
using PatientExperience.Intake;
using PatientExperience.Messaging;
using PatientExperience.Notification;
using PatientExperience.Reporting;
using PatientExperience.ServiceDefaults;
using PatientExperience.Standalone;
using PatientExperience.Survey;
using PatientExperience.Web;

var builder = WebApplication.CreateBuilder(args);
var ports = builder.AddStandaloneHosting();
builder.AddServiceDefaults();
builder.AddGatewayModule();
// One process, one durable scheduler: intake's redeliveries, notifications' retries and deferrals and survey's invitations
// are kept in the case service's store.
builder.AddIntakeModule(schedulerStore: CaseModule.ServiceName);
builder.AddCaseModule();
builder.AddNotificationModule(schedulerStore: CaseModule.ServiceName);
builder.AddSurveyModule(schedulerStore: CaseModule.ServiceName);
builder.AddReportingModule();
builder.AddWebModule();
builder.AddPlatformMessaging();

var app = builder.Build();
app.UseGatewayPipeline();
app.MapDefaultEndpoints();
app.MapGateway().RequireHost($"*:{ports.Gateway}");
app.MapIntakeApi().RequireHost($"*:{ports.Services}");
app.MapCaseApi().RequireHost($"*:{ports.Services}");
app.MapNotificationApi().RequireHost($"*:{ports.Services}");
app.MapSurveyApi().RequireHost($"*:{ports.Services}");
app.MapReportingApi().RequireHost($"*:{ports.Services}");
// The patient pages and the console, behind the gateway like every service (its web routes).
app.MapWebUi().RequireHost($"*:{ports.Services}");
app.MapIntakeGrpc();
app.MapCaseGrpc();
app.MapNotificationGrpc();
app.MapSurveyGrpc();
app.MapReportingGrpc();
app.MapNotificationDevEndpoints();
app.ReportStandaloneStart(ports);
app.Run();
