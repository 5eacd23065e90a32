using PatientExperience.Case.Cases;
using PatientExperience.Case.Directory;
using PatientExperience.Messaging;
using PatientExperience.Storage;

namespace PatientExperience.Case;

public static class CaseModule
{
    public const string ServiceName = "case";

    public static IHostApplicationBuilder AddCaseModule(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DirectoryOptions>()
            .Bind(builder.Configuration.GetSection(DirectoryOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddDocumentStore(ServiceName, DirectoryStore.Definition, CaseStore.Definition);
        builder.Services.AddSingleton<DirectoryStore>();
        builder.Services.AddSingleton<CaseStore>();
        builder.Services.AddHostedService<DemoDirectorySeeder>();
        builder.Services.AddGrpc();

        builder.Services.AddMessagingModule(bus =>
            bus.AddConsumer<FeedbackSubmittedConsumer>().Endpoint(e => e.Name = "case-feedback-submitted"));
        builder.AddOutboxRelay(ServiceName);
        return builder;
    }

    /// <summary>The HTTP API. Returned as a group so a host (standalone mode) can restrict it to an internal port.</summary>
    public static RouteGroupBuilder MapCaseApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapFacilitiesApi();
        api.MapCasesApi();
        return api;
    }

    public static IEndpointRouteBuilder MapCaseGrpc(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<Grpc.CaseGrpcService>();
        return app;
    }
}
