using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Case.V1;
using PatientExperience.Intake.Audit;
using PatientExperience.Intake.Discharges;
using PatientExperience.Intake.Facilities;
using PatientExperience.Intake.Feedback;
using PatientExperience.Messaging;
using PatientExperience.ServiceDefaults.Grpc;
using PatientExperience.ServiceDefaults.OpenApi;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage.Audit;
using PatientExperience.Storage;
using PatientExperience.Storage.Phi;

namespace PatientExperience.Intake;

/// <summary>Bound from <c>Intake</c>.</summary>
public sealed class IntakeOptions : IValidatableObject
{
    public const string Section = "Intake";

    /// <summary>Where the case service answers gRPC (h2c, TLS, or <c>dns:///</c> for round-robin over every pod); intake asks it which facilities, departments and units exist.</summary>
    [Required(ErrorMessage = "Intake:CaseGrpcAddress is required (the case service's gRPC endpoint).")]
    [PatientExperience.ServiceDefaults.Grpc.GrpcAddress(ErrorMessage = "Intake:CaseGrpcAddress must be an absolute http://, https:// or dns:/// address.")]
    public string CaseGrpcAddress { get; set; } = "";

    [Range(100, 100_000)]
    public int MaxDescriptionLength { get; set; } = 10_000;

    /// <summary>How long the facility directory read from the case service is trusted before it is read again.</summary>
    [Range(1, 3600)]
    public int DirectoryCacheSeconds { get; set; } = 60;

    /// <summary>
    /// Base64 of at least 32 bytes: the HMAC-SHA256 key that turns a patient's MRN into the pseudonymous
    /// <c>PatientDischarged.PatientReference</c>. A secret like the PHI key (from configuration or a secret store, never from
    /// code); changing it changes every reference, so survey's minimum interval between surveys starts afresh.
    /// </summary>
    [Required(ErrorMessage = "Intake:PatientReferenceKey is required (base64 of at least 32 bytes; keys the patient reference of discharges).")]
    public string PatientReferenceKey { get; set; } = "";

    /// <summary>Largest FHIR request body intake reads from the EHR, in bytes; larger ones are answered 413 with an OperationOutcome.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public int MaxFhirBodyBytes { get; set; } = 1024 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(PatientReferenceKey)) yield break;
        byte[]? key = null;
        try { key = Convert.FromBase64String(PatientReferenceKey); } catch (FormatException) { }
        if (key is null || key.Length < 32)
        {
            yield return new ValidationResult("Intake:PatientReferenceKey must be base64 of at least 32 bytes.", [nameof(PatientReferenceKey)]);
        }
    }
}

/// <summary>Outside Development, refuses the patient-reference key committed in this repository for local runs.</summary>
internal sealed class IntakeOptionsValidator(IHostEnvironment environment) : IValidateOptions<IntakeOptions>
{
    public ValidateOptionsResult Validate(string? name, IntakeOptions options) =>
        !environment.IsDevelopment() && DevelopmentKeys.IsCommitted(options.PatientReferenceKey)
            ? ValidateOptionsResult.Fail($"Intake:PatientReferenceKey is the development key committed in the repository; outside Development give a key of your own ({DevelopmentKeys.HowToMakeOne}).")
            : ValidateOptionsResult.Success;
}

public static class IntakeModule
{
    public const string ServiceName = "intake";

    /// <param name="schedulerStore">
    /// Whose store keeps the process's durable scheduler (delayed redelivery of messages whose consumer failed): intake's own,
    /// or, where several services share a process, the one the host chose.
    /// </param>
    public static IHostApplicationBuilder AddIntakeModule(this IHostApplicationBuilder builder, string? schedulerStore = null)
    {
        builder.Services.AddOptions<IntakeOptions>()
            .Bind(builder.Configuration.GetSection(IntakeOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IntakeOptions>, IntakeOptionsValidator>();

        builder.AddDocumentStore(ServiceName, SubmissionStore.Definition, PhiAuditLog.Definition, DischargeStore.Definition);
        builder.Services.AddPhiProtection<IntakePhiProtector>(builder.Configuration, ServiceName);
        builder.Services.AddSingleton<SubmissionStore>();
        builder.Services.AddPhiAuditLog<IntakeAuditLog>();
        builder.Services.AddPhiReEncryption<IntakePhiProtector>(ServiceName, [
            PhiCollection.By(SubmissionStore.Definition, "id", Submission.RecordOf),
            PhiCollection.By(DischargeStore.Definition, "id", Discharge.RecordOf),
        ], typeof(IntakeAuditLog));
        builder.Services.DescribeApiTags(
            ("Feedback", "Concerns, complaints, grievances, compliments, suggestions and questions from every channel; public forms submit anonymously."),
            ("FHIR discharge feed", "The EHR's FHIR R4 Encounter notifications of inpatient discharges (integration clients only); answers are OperationOutcomes."));
        builder.Services.AddSingleton<FeedbackValidator>();
        builder.Services.AddSingleton<DischargeStore>();
        builder.Services.AddSingleton<PatientReferences>();
        builder.Services.AddSingleton<DischargeFeed>();
        builder.Services.AddSingleton<IFacilityDirectory, CaseServiceFacilityDirectory>();
        builder.Services.AddSingleton<DirectoryWarmupState>();
        builder.Services.AddHostedService<DirectoryWarmup>();
        builder.Services.AddPlatformGrpcClient<CaseService.CaseServiceClient>(builder.Configuration, "Intake:CaseGrpcAddress",
            sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<IntakeOptions>>().Value.CaseGrpcAddress);
        builder.Services.AddGrpc();

        builder.Services.AddMessagingModule(bus =>
            bus.AddConsumer<CaseOpenedConsumer>().Endpoint(e => e.Name = "intake-case-opened"));
        builder.AddOutboxRelay(ServiceName);
        builder.AddDurableScheduler(schedulerStore ?? ServiceName);
        // Concerns are accepted while RabbitMQ is down: the outbox holds them until the bus connects.
        builder.AcceptWorkWhileBrokerIsDown();
        return builder;
    }

    /// <summary>
    /// For a host that runs intake in one process with the case service (the standalone host): ready only once intake has read
    /// the facility directory, so the first concern after "ready" is not answered 503. Intake as its own service does not use it.
    /// </summary>
    public static IHostApplicationBuilder AddIntakeDirectoryReadiness(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<DirectoryReadCheck>("intake-facility-directory", tags: [ServiceDefaults.Extensions.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// For a host that runs intake on the in-memory transport with durable files (the standalone host): at start-up, re-sends
    /// the FeedbackSubmitted of every submission still without a case, since what was in flight when the process died is gone
    /// (<see cref="EmbeddedModeResubmission"/>). Does nothing over RabbitMQ, where a published message is durable.
    /// </summary>
    public static IHostApplicationBuilder AddIntakeEmbeddedModeRecovery(this IHostApplicationBuilder builder)
    {
        if (UsesEmbeddedTransport(builder.Configuration)) builder.Services.AddHostedService<EmbeddedModeResubmission>();
        return builder;
    }

    /// <summary>The in-memory transport: <c>Messaging:Transport=InMemory</c>, or no transport chosen and no <c>ConnectionStrings:rabbitmq</c>.</summary>
    private static bool UsesEmbeddedTransport(IConfiguration configuration)
    {
        var transport = configuration[$"{MessagingOptions.Section}:Transport"];
        if (string.Equals(transport, MessagingOptions.InMemoryTransport, StringComparison.OrdinalIgnoreCase)) return true;
        return string.IsNullOrWhiteSpace(transport) && string.IsNullOrWhiteSpace(configuration.GetConnectionString("rabbitmq"));
    }

    /// <summary>The HTTP API. Returned as a group so a host (standalone mode) can restrict it to an internal port.</summary>
    public static RouteGroupBuilder MapIntakeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapFeedbackApi();
        api.MapDischargeFeedApi();
        api.MapAuditApi<IntakeAuditLog>("/audit/intake", "submissionId", "Intake");
        return api;
    }

    public static IEndpointRouteBuilder MapIntakeGrpc(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<Grpc.IntakeGrpcService>();
        return app;
    }
}
