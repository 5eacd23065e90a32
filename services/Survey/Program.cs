using PatientExperience.Messaging;
using PatientExperience.ServiceDefaults;
using PatientExperience.Survey;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSurveyModule();
builder.AddPlatformMessaging();

var app = builder.Build();
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.MapSurveyApi();
app.MapSurveyGrpc();
app.Run();

public partial class Program;
