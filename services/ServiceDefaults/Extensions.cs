using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.ServiceDefaults;

/// <summary>The same telemetry, health checks, problem details, security and HTTP resilience for every process.</summary>
public static class Extensions
{
    public const string ReadyTag = "ready";

    /// <summary>Activity sources and meters of the platform's own code.</summary>
    public const string PlatformTelemetryName = "PatientExperience";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        // The framework's own exception log quotes exception messages, which can quote input; ours logs the type only.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", Microsoft.Extensions.Logging.LogLevel.None);
        builder.Services.AddExceptionHandler<UnhandledExceptionHandler>();
        builder.AddPlatformAuthentication();
        Http.RequestBodyLimit.AddRequestBodyLimit(builder);
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        // Unreadable bodies become exceptions that the problem-details handler answers, in every environment.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Request bodies are strict (an unknown property is a 400 naming it); messages and stored documents are not.
        builder.Services.ConfigureHttpJsonOptions(Http.StrictJsonBodies.Apply);
        // Every service's document describes vocabulary as strings, security from the endpoints' metadata, and the problem answers.
        builder.Services.AddOpenApi(options =>
        {
            OpenApi.WireEnumSchemas.Describe(options);
            OpenApi.OperationConventions.Describe(options);
        });
        // The PHI access audit API is one building block every service with PHI maps under the same tag.
        OpenApi.ApiTags.DescribeApiTags(builder.Services,
            ("Audit", "The service's PHI access audit (compliance): who read or was refused protected health information, and whether its hash chain is intact."));
        return builder;
    }

    /// <summary>The body limit (413), problem details for errors and bare status codes, then authentication and authorization.</summary>
    public static WebApplication UsePlatformDefaults(this WebApplication app)
    {
        app.Use(Http.RequestBodyLimit.LimitAsync);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit", PlatformTelemetryName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName, PlatformTelemetryName, "MassTransit", "Yarp.ReverseProxy")
                .AddAspNetCoreInstrumentation(o =>
                {
                    // Health probes are noise for the operations teams who read traces.
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health");
                    // Query strings can carry search terms; never record them.
                    o.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null);
                })
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (activity, _) => activity.SetTag("url.query", null)));

        // OTLP export only when an endpoint is configured (Aspire and the deployments set OTEL_EXPORTER_OTLP_ENDPOINT).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// <c>/health/live</c> answers while the process runs; <c>/health/ready</c> also checks the broker and the stores.
    /// Mapped in every environment (Kubernetes probes need them); the gateway never routes them.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") })
            .AllowAnonymous().DisableHttpMetrics();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag) || r.Tags.Contains("live"),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).AllowAnonymous().DisableHttpMetrics();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }
}
