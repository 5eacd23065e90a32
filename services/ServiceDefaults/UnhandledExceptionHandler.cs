using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace PatientExperience.ServiceDefaults;

/// <summary>
/// Turns an unexpected exception into a plain RFC 7807 500 response. The exception's message is never echoed
/// to the caller (it may quote input); it is logged by type and trace id only, so no PHI reaches the logs.
/// </summary>
internal sealed partial class UnhandledExceptionHandler(IProblemDetailsService problems, ILogger<UnhandledExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException bad)
        {
            httpContext.Response.StatusCode = bad.StatusCode;
            if (bad.StatusCode == StatusCodes.Status400BadRequest && Http.StrictJsonBodies.Describe(bad) is { } field)
            {
                return await problems.TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = httpContext,
                    ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field.Key] = field.Value })
                    {
                        Status = StatusCodes.Status400BadRequest,
                        Title = "The request is not valid.",
                        Detail = "See 'errors' for what to correct; nothing was stored.",
                    },
                });
            }

            if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                // A chunked body that passed the service's limit while it was read (Http:MaxRequestBodyBytes).
                return await problems.TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = httpContext,
                    ProblemDetails = new ProblemDetails { Status = bad.StatusCode, Title = Http.RequestBodyLimit.Title, Detail = "The body is over the service's limit. Nothing was changed." },
                });
            }

            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new ProblemDetails { Status = bad.StatusCode, Title = "The request could not be read.", Detail = "A route or query parameter has the wrong format, or the body is not JSON of the expected shape, or is too large. Nothing was changed." },
            });
        }

        LogUnhandled(logger, exception.GetType().FullName ?? "unknown", httpContext.TraceIdentifier, ExceptionSite.Describe(exception));
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = 500, Title = "An unexpected error occurred.", Detail = "The error has been recorded; quote the trace id when reporting it." },
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} while serving request {TraceIdentifier}; thrown at: {Where}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string traceIdentifier, string where);
}

/// <summary>Where an exception was thrown, for logs that must never carry PHI.</summary>
public static class ExceptionSite
{
    /// <summary>
    /// The types and stack frames (methods, files, lines) of the exception and its inner exceptions, never their messages,
    /// which may quote a patient's input.
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var lines = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            lines.Add((ReferenceEquals(e, exception) ? "" : "caused by ") + (e.GetType().FullName ?? "unknown"));
            if (e.StackTrace is { } trace) lines.Add(trace);
        }

        return string.Join(Environment.NewLine, lines);
    }
}
