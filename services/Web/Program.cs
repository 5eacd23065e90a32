using PatientExperience.ServiceDefaults;
using PatientExperience.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebModule();

var app = builder.Build();
// Behind the gateway: the patient's address and scheme come from its X-Forwarded-* headers (trusted from Web:KnownNetworks).
app.UseForwardedHeaders();
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.MapWebUi();
app.Run();

public partial class Program;
