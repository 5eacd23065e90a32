using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PatientExperience.ServiceDefaults.Http;

/// <summary>
/// Bound from <c>Http</c>: the largest request body a service reads. The gateway has its own, smaller limit
/// (<c>Gateway:MaxRequestBodyBytes</c>); this one holds for a caller that reaches a service's port directly, where Kestrel
/// alone would accept 30 MB.
/// </summary>
public sealed class HttpLimitsOptions
{
    public const string Section = "Http";

    /// <summary>Largest request body, in bytes (1 KiB to 100 MiB; 1 MiB by default, as intake's FHIR feed).</summary>
    [Range(1024, 100 * 1024 * 1024, ErrorMessage = "Http:MaxRequestBodyBytes must be 1024 to 104857600 bytes.")]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>Endpoint metadata: the endpoint bounds its own body and answers in its own format (intake's FHIR feed: OperationOutcome).</summary>
public sealed class OwnBodyLimit
{
    public static readonly OwnBodyLimit Instance = new();

    private OwnBodyLimit()
    {
    }
}

/// <summary>
/// Every service refuses a body over <see cref="HttpLimitsOptions.MaxRequestBodyBytes"/> with 413 and an RFC 7807 problem (the
/// gateway's shape) before anything reads it: by its declared length at once, and a chunked body as soon as it passes the
/// limit (Kestrel's per-request limit, answered by the problem-details handler).
/// </summary>
public static class RequestBodyLimit
{
    public const string Title = "Request body too large.";

    internal static void AddRequestBodyLimit(this IHostApplicationBuilder builder) =>
        builder.Services.AddOptions<HttpLimitsOptions>()
            .Bind(builder.Configuration.GetSection(HttpLimitsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

    /// <summary>Marks an endpoint that bounds its own body (see <see cref="OwnBodyLimit"/>).</summary>
    public static TBuilder WithOwnBodyLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(OwnBodyLimit.Instance);

    internal static Task LimitAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<OwnBodyLimit>() is not null) return next(context);
        var max = context.RequestServices.GetRequiredService<IOptions<HttpLimitsOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > max)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status413PayloadTooLarge, Title = Title, Detail = Detail(max) },
            }).AsTask();
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = max;
        return next(context);
    }

    internal static string Detail(long max) => $"The limit is {max} bytes. Nothing was changed.";
}
