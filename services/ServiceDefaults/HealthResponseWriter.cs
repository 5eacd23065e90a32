using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PatientExperience.ServiceDefaults.Http;

namespace PatientExperience.ServiceDefaults;

/// <summary>
/// Writes the overall status for everyone (probes need no more), and each check's status and description (never its
/// exception text) only to callers on this machine, so operators see which dependency is down without a public port
/// telling strangers what the service depends on.
/// </summary>
internal static class HealthResponseWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        object body = context.IsLocal()
            ? new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            }
            : new { status = report.Status.ToString() };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
