using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PatientExperience.Notification.Channels;
using PatientExperience.ServiceDefaults;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Notification.Preferences;

public sealed record QuietHoursView(string Start, string End);

public sealed record PreferencesView(string PersonId, string? TimeZone, ChannelsBySeverity Channels, QuietHoursView? QuietHours, bool IsDefault);

/// <param name="Channels">Push channels (email, sms, pager) per severity; a severity left out keeps the default.</param>
/// <param name="QuietHours">Null for none; critical notifications ignore them.</param>
public sealed record PreferencesRequest(string? TimeZone, ChannelsRequest? Channels, QuietHoursView? QuietHours);

public sealed record ChannelsRequest(string[]? Low, string[]? Medium, string[]? High, string[]? Critical);

/// <summary>Each member of staff reads and sets their own preferences (the person is the subject of the token).</summary>
public static class PreferencesApi
{
    public static RouteGroupBuilder MapPreferencesApi(this RouteGroupBuilder notifications)
    {
        notifications.MapGet("/preferences", GetAsync).WithName("GetMyNotificationPreferences")
            .WithSummary("Your channels per severity and quiet hours (defaults until you set them).");
        notifications.MapPut("/preferences", PutAsync).WithName("SetMyNotificationPreferences")
            .WithSummary("Sets your channels per severity (email, sms, pager; the inbox always), your time zone and quiet hours (critical notifications ignore them).");
        return notifications;
    }

    internal static async Task<Results<Ok<PreferencesView>, ProblemHttpResult>> GetAsync(ClaimsPrincipal user, PreferenceStore store, IOptions<NotificationOptions> options, CancellationToken ct)
    {
        if (user.PersonId() is not { Length: > 0 } personId) return ProblemResults.Forbidden("Your token names no person (sub).");
        var stored = await store.GetAsync(personId, ct);
        return TypedResults.Ok(stored is null
            ? new PreferencesView(personId, null, ChannelsBySeverity.From(options.Value.DefaultChannels), null, true)
            : View(stored));
    }

    internal static async Task<Results<Ok<PreferencesView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        PreferencesRequest request, ClaimsPrincipal user, PreferenceStore store, IOptions<NotificationOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (user.PersonId() is not { Length: > 0 } personId) return ProblemResults.Forbidden("Your token names no person (sub).");
        var errors = new Dictionary<string, string[]>();
        if (request.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone, out _))
            errors["timeZone"] = ["Must be an IANA time zone such as America/New_York."];
        var c = request.Channels;
        foreach (var (name, list) in new[] { ("low", c?.Low), ("medium", c?.Medium), ("high", c?.High), ("critical", c?.Critical) })
        {
            if (list is not null && list.Any(ch => !Channel.Push.Contains(ch)))
                errors[$"channels.{name}"] = ["May hold only email, sms and pager (the inbox is always delivered)."];
        }

        if (request.QuietHours is { } q && !QuietHours.TryParse(q.Start, q.End, out _))
            errors["quietHours"] = ["start and end must be different local times HH:mm."];
        if (errors.Count > 0) return ProblemResults.Validation(errors);

        var defaults = ChannelsBySeverity.From(options.Value.DefaultChannels);
        var saved = new PersonPreferences
        {
            PersonId = personId,
            TimeZone = request.TimeZone,
            Channels = new ChannelsBySeverity
            {
                Low = Distinct(c?.Low) ?? defaults.Low, Medium = Distinct(c?.Medium) ?? defaults.Medium,
                High = Distinct(c?.High) ?? defaults.High, Critical = Distinct(c?.Critical) ?? defaults.Critical,
            },
            QuietHoursStart = request.QuietHours?.Start,
            QuietHoursEnd = request.QuietHours?.End,
            UpdatedAt = clock.GetUtcNow(),
        };
        await store.SaveAsync(saved, ct);
        return TypedResults.Ok(View(saved));
    }

    private static string[]? Distinct(string[]? channels) => channels?.Distinct(StringComparer.Ordinal).ToArray();

    private static PreferencesView View(PersonPreferences p) =>
        new(p.PersonId, p.TimeZone, p.Channels, p.QuietHoursStart is null ? null : new QuietHoursView(p.QuietHoursStart, p.QuietHoursEnd!), false);
}
