using PatientExperience.Case;
using PatientExperience.Gateway;
using PatientExperience.Intake;
using PatientExperience.Messaging;
using PatientExperience.Notification;
using PatientExperience.Reporting;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Http;
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
// In-memory transport: after a kill -9, submissions whose FeedbackSubmitted was lost in flight are sent again at start-up.
builder.AddIntakeEmbeddedModeRecovery();
// Ready once intake has read the facility directory from the case module, so a concern right after "ready" is taken.
builder.AddIntakeDirectoryReadiness();
builder.AddCaseModule();
builder.AddNotificationModule(schedulerStore: CaseModule.ServiceName);
builder.AddSurveyModule(schedulerStore: CaseModule.ServiceName);
builder.AddReportingModule();
builder.AddWebModule();
builder.AddPlatformMessaging();
// The gateway's routes answer on the gateway port and the services' on theirs, by the port the connection came in on, not
// by the Host header a client sends.
builder.Services.AddLocalPortRouting();

var app = builder.Build();
app.UseGatewayPipeline();
app.MapDefaultEndpoints();
app.MapGateway().RequireLocalPort(ports.Gateway);
app.MapIntakeApi().RequireLocalPort(ports.Services);
app.MapCaseApi().RequireLocalPort(ports.Services);
app.MapNotificationApi().RequireLocalPort(ports.Services);
app.MapSurveyApi().RequireLocalPort(ports.Services);
app.MapReportingApi().RequireLocalPort(ports.Services);
// The patient pages and the console, behind the gateway like every service (its web routes).
app.MapWebUi().RequireLocalPort(ports.Services);
app.MapIntakeGrpc();
app.MapCaseGrpc();
app.MapNotificationGrpc();
app.MapSurveyGrpc();
app.MapReportingGrpc();
app.MapNotificationDevEndpoints();
app.ReportStandaloneStart(ports);
app.Run();
