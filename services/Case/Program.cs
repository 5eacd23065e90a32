using PatientExperience.Case;
using PatientExperience.Messaging;
using PatientExperience.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCaseModule();
builder.AddPlatformMessaging();

var app = builder.Build();
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.MapCaseApi();
app.MapCaseGrpc();
app.Run();

public partial class Program;
