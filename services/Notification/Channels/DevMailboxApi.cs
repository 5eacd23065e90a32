using PatientExperience.ServiceDefaults.Http;

namespace PatientExperience.Notification.Channels;

/// <summary><c>GET /dev/mailbox</c>: what the development mailbox holds, newest first. Development only, never mapped elsewhere, and to callers on this machine only.</summary>
public static class DevMailboxApi
{
    public static IEndpointRouteBuilder MapDevMailbox(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dev/mailbox", (DevMailbox mailbox, string? to, string? channel) =>
                TypedResults.Ok(mailbox.Messages.Reverse()
                    .Where(m => (to is null || string.Equals(m.To, to, StringComparison.OrdinalIgnoreCase)) && (channel is null || m.Channel == channel))
                    .ToList()))
            .AllowAnonymous()
            .RequireLoopback()
            .WithTags("Development")
            .WithSummary("Development only: email, SMS and pages kept because no SMTP server or provider is configured (filter by to and channel).");
        return app;
    }
}
