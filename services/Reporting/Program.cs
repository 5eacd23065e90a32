using PatientExperience.Messaging;
using PatientExperience.Reporting;
using PatientExperience.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddReportingModule();
builder.AddPlatformMessaging();

var app = builder.Build();
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.MapReportingApi();
app.MapReportingGrpc();
app.Run();

public partial class Program;
