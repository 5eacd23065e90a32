using System.Diagnostics;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using PatientExperience.Gateway.DevTokens;
using PatientExperience.Gateway.OpenApi;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Gateway;

public static class GatewayModule
{
    public const string PublicFormsPolicy = "public-forms";
    public const string CorrelationHeader = "X-Correlation-Id";
    public const string CorsPolicy = "front-ends";
    private const string RoutesFile = "gateway.routes.json";

    public static IHostApplicationBuilder AddGatewayModule(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Routes and clusters ship as a file next to the binary; any other source (appsettings, environment, Aspire) overrides them,
        // so deployments only set the cluster addresses.
        builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            Path = RoutesFile,
            Optional = false,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        });

        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<GatewayOptions>>((forwarded, gateway) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in gateway.Value.KnownProxies) forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            foreach (var network in gateway.Value.KnownNetworks) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });

        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PublicFormsPolicy, http =>
            {
                var o = http.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(
                    http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = o.PerReplica(o.PublicPermitLimit), Window = TimeSpan.FromSeconds(o.PublicWindowSeconds), QueueLimit = 0 });
            });
            limiter.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = 429, Title = "Too many requests.", Detail = "This client sent too many requests to a public form; try again later." },
                });
            };
        });

        builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
        {
            var origins = builder.Configuration.GetSection($"{GatewayOptions.Section}:AllowedOrigins").Get<string[]>() ?? [];
            policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().WithExposedHeaders("Location", "ETag", CorrelationHeader);
        }));
        return builder;
    }

    /// <summary>Forwarded headers from trusted proxies, correlation, size limits, CORS, problem details, authentication, authorization and rate limiting, in that order.</summary>
    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.Use(CorrelateAsync);
        app.Use(LimitBodySizeAsync);
        app.UseCors(CorsPolicy);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// The proxy routes, the API description (<c>/openapi/v1.json</c>) and its reference (<c>/api-docs</c>), plus <c>/dev/token</c>
    /// in Development. The returned builder lets a host restrict the proxy routes (standalone mode).
    /// </summary>
    public static ReverseProxyConventionBuilder MapGateway(this WebApplication app)
    {
        app.MapApiReference();
        if (app.Environment.IsDevelopment()) app.MapDevTokenEndpoint();
        return app.MapReverseProxy(proxy =>
        {
            proxy.Use(RefuseServiceTokensAsync);
            proxy.Use(AnswerUnreachableServiceAsync);
            // What the parameterless MapReverseProxy() adds.
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
    }

    /// <summary>
    /// Service-to-service tokens (audience <see cref="AuthOptions.ServiceAudience"/>) are for calls between services only: a
    /// leaked one is answered 401 here, on every route, and never forwarded.
    /// </summary>
    private static async Task RefuseServiceTokensAsync(HttpContext context, Func<Task> next)
    {
        var serviceAudience = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.ServiceAudience;
        if (context.User.FindAll("aud").Any(a => string.Equals(a.Value, serviceAudience, StringComparison.Ordinal)))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status401Unauthorized,
                    Title = "Unauthorized",
                    Detail = "This token is for calls between the platform's services and is not accepted here.",
                },
            });
            return;
        }

        await next();
    }

    /// <summary>
    /// A service that cannot be reached (connection refused, no healthy destination) is a temporary outage, not a broken gateway:
    /// 503 with <c>Retry-After</c> and a problem document naming no internal address, instead of YARP's bare 502.
    /// </summary>
    private static async Task AnswerUnreachableServiceAsync(HttpContext context, Func<Task> next)
    {
        await next();
        var error = context.Features.Get<Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature>();
        if (error?.Error is not (Yarp.ReverseProxy.Forwarder.ForwarderError.Request or Yarp.ReverseProxy.Forwarder.ForwarderError.NoAvailableDestinations)
            || context.Response.HasStarted)
        {
            return;
        }

        var retryAfter = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.UnavailableRetryAfterSeconds;
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service temporarily unavailable",
                Detail = $"The service behind this route cannot be reached at the moment; try again in {retryAfter} seconds.",
            },
        });
    }

    /// <summary>
    /// Every request carries a correlation id: the caller's <c>X-Correlation-Id</c> if it sent a sane one, else the trace id.
    /// It is forwarded to the services, returned to the caller and tagged on the trace.
    /// </summary>
    private static Task CorrelateAsync(HttpContext context, RequestDelegate next)
    {
        var given = context.Request.Headers[CorrelationHeader].ToString();
        var id = given.Length is > 0 and <= 64 && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? given
            : Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Request.Headers[CorrelationHeader] = id;
        // Set as the response starts, replacing any copy the proxied service returned, so the caller sees one value.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[CorrelationHeader] = id;
            return Task.CompletedTask;
        });
        Activity.Current?.SetTag("correlation.id", id);
        return next(context);
    }

    private static Task LimitBodySizeAsync(HttpContext context, RequestDelegate next)
    {
        var max = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > max)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = 413, Title = "Request body too large.", Detail = $"The limit is {max} bytes." },
            }).AsTask();
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = max;
        return next(context);
    }
}
