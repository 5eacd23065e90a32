using PatientExperience.Gateway;
using PatientExperience.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewayModule();

var app = builder.Build();
app.UseGatewayPipeline();
app.MapDefaultEndpoints();
app.MapGateway();
app.Run();

public partial class Program;
