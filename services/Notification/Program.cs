using PatientExperience.Messaging;
using PatientExperience.Notification;
using PatientExperience.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNotificationModule();
builder.AddPlatformMessaging();

var app = builder.Build();
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.MapNotificationApi();
app.MapNotificationGrpc();
app.MapNotificationDevEndpoints();
app.Run();

public partial class Program;
