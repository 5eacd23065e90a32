using System.ComponentModel.DataAnnotations;
using PatientExperience.Contracts.Case.V1;
using PatientExperience.Intake.Audit;
using PatientExperience.Intake.Facilities;
using PatientExperience.Intake.Feedback;
using PatientExperience.Messaging;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;
using PatientExperience.Storage;

namespace PatientExperience.Intake;

/// <summary>Bound from <c>Intake</c>.</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>Where the case service answers gRPC (h2c or TLS); intake asks it which facilities, departments and units exist.</summary>
    [Required(ErrorMessage = "Intake:CaseGrpcAddress is required (the case service's gRPC endpoint).")]
    [Url]
    public string CaseGrpcAddress { get; set; } = "";

    [Range(100, 100_000)]
    public int MaxDescriptionLength { get; set; } = 10_000;

    /// <summary>How long the facility directory read from the case service is trusted before it is read again.</summary>
    [Range(1, 3600)]
    public int DirectoryCacheSeconds { get; set; } = 60;
}

public static class IntakeModule
{
    public const string ServiceName = "intake";

    public static IHostApplicationBuilder AddIntakeModule(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IntakeOptions>()
            .Bind(builder.Configuration.GetSection(IntakeOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddDocumentStore(ServiceName, SubmissionStore.Definition, PhiAuditLog<PhiAccess>.Definition);
        builder.Services.AddPhiProtection(builder.Configuration);
        builder.Services.AddSingleton<SubmissionStore>();
        builder.Services.AddPhiAuditLog<PhiAccess>(ServiceName);
        builder.Services.AddSingleton<FeedbackValidator>();
        builder.Services.AddSingleton<IFacilityDirectory, CaseServiceFacilityDirectory>();
        builder.Services.AddGrpcClient<CaseService.CaseServiceClient>((sp, o) =>
            o.Address = new Uri(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<IntakeOptions>>().Value.CaseGrpcAddress));
        builder.Services.AddGrpc();

        builder.Services.AddMessagingModule(bus =>
            bus.AddConsumer<CaseOpenedConsumer>().Endpoint(e => e.Name = "intake-case-opened"));
        builder.AddOutboxRelay(ServiceName);
        return builder;
    }

    /// <summary>The HTTP API. Returned as a group so a host (standalone mode) can restrict it to an internal port.</summary>
    public static RouteGroupBuilder MapIntakeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapFeedbackApi();
        return api;
    }

    public static IEndpointRouteBuilder MapIntakeGrpc(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<Grpc.IntakeGrpcService>();
        return app;
    }
}
