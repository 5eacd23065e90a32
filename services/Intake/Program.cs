using PatientExperience.Intake;
using PatientExperience.Messaging;
using PatientExperience.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIntakeModule();
builder.AddPlatformMessaging();

var app = builder.Build();
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.MapIntakeApi();
app.MapIntakeGrpc();
app.Run();

public partial class Program;
