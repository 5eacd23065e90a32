using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;
using MimeKit;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Channels;
using PatientExperience.Notification.Preferences;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Notification;

/// <summary>Bound from <c>Notification</c>; validated at start-up (with <c>ConnectionStrings:smtp</c>, by <see cref="NotificationOptionsValidator"/>).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notification";

    /// <summary>Where the case service answers gRPC: recipients of a level (ResolveRecipients), case numbers (GetCase), facility names and time zones.</summary>
    [Required(ErrorMessage = "Notification:CaseGrpcAddress is required (the case service's gRPC endpoint).")]
    [PatientExperience.ServiceDefaults.Grpc.GrpcAddress(ErrorMessage = "Notification:CaseGrpcAddress must be an absolute http://, https:// or dns:/// address.")]
    public string CaseGrpcAddress { get; set; } = "";

    /// <summary>Where intake answers gRPC: a patient's contact details and preferred language (GetSubmission; every read audited there).</summary>
    [Required(ErrorMessage = "Notification:IntakeGrpcAddress is required (intake's gRPC endpoint).")]
    [PatientExperience.ServiceDefaults.Grpc.GrpcAddress(ErrorMessage = "Notification:IntakeGrpcAddress must be an absolute http://, https:// or dns:/// address.")]
    public string IntakeGrpcAddress { get; set; } = "";

    /// <summary>The staff console: messages to staff link to <c>{ConsoleBaseUrl}/cases/{caseId}</c>.</summary>
    [Required(ErrorMessage = "Notification:ConsoleBaseUrl is required (staff messages link to the case there).")]
    [Url(ErrorMessage = "Notification:ConsoleBaseUrl must be an absolute URL.")]
    public string ConsoleBaseUrl { get; set; } = "";

    /// <summary>How many messages the development mailbox keeps (the oldest go first).</summary>
    [Range(1, 100_000)]
    public int DevMailboxCapacity { get; set; } = 1000;

    /// <summary>A folder of <c>{audience}/{event}.{locale}.mustache</c> files that replace the built-in templates of the same name.</summary>
    public string? TemplateDirectory { get; set; }

    public EmailOptions Email { get; set; } = new();

    /// <summary>The SMS provider's webhook. Absent: SMS goes to the development mailbox.</summary>
    public WebhookOptions Sms { get; set; } = new();

    /// <summary>The paging provider's webhook. Absent: pages go to the development mailbox.</summary>
    public WebhookOptions Pager { get; set; } = new();

    public RetryOptions Retry { get; set; } = new();

    /// <summary>Channels (besides the inbox, which staff always get) for people who have not set preferences.</summary>
    public ChannelDefaults DefaultChannels { get; set; } = new();

    /// <summary>Quiet hours for patients, in the facility's time zone (SMS and email wait until they end; critical too: patient messages are never urgent).</summary>
    public QuietHoursOptions PatientQuietHours { get; set; } = new() { Start = "21:00", End = "08:00" };

    public ServiceTokenOptions ServiceToken { get; set; } = new();

    /// <summary>Acknowledgements to an address given through the anonymous form: at most so many per address per day.</summary>
    public Limits.AnonymousEmailLimitOptions AnonymousEmail { get; set; } = new();

    /// <summary>How many deliveries one process sends at once (all channels).</summary>
    [Range(1, 256)]
    public int ConcurrentDeliveries { get; set; } = 16;
}

public sealed class EmailOptions
{
    /// <summary>The sender of every email, e.g. <c>Patient Relations &lt;patient.relations@example.org&gt;</c>.</summary>
    public string From { get; set; } = "Patient Experience <notifications@patient-experience.invalid>";

    /// <summary>Connect, authenticate and send within this, or the attempt counts as a transient failure.</summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Open SMTP connections kept and reused.</summary>
    [Range(1, 64)]
    public int MaxConnections { get; set; } = 8;
}

public sealed class WebhookOptions
{
    /// <summary>The provider's endpoint: an absolute https URL (http is accepted for a loopback address only).</summary>
    public string? Url { get; set; }

    /// <summary>The HMAC-SHA256 key the request is signed with (at least 16 characters; from a secret store).</summary>
    public string? Secret { get; set; }

    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 15;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Url);
}

public sealed class RetryOptions
{
    /// <summary>Wait before the second attempt; each later wait doubles (with up to 20% jitter), up to <see cref="MaxDelaySeconds"/>.</summary>
    [Range(1, 3600)]
    public int InitialDelaySeconds { get; set; } = 10;

    [Range(1, 86_400)]
    public int MaxDelaySeconds { get; set; } = 300;

    /// <summary>Transient failures are retried for at least this long after the first attempt, then the delivery fails.</summary>
    [Range(30, 7 * 24 * 60, ErrorMessage = "Notification:Retry:WindowMinutes must be between 30 and 10080.")]
    public int WindowMinutes { get; set; } = 60;

    /// <summary>How long an attempt in progress is left alone before another worker may take it over (a worker that died mid-send).</summary>
    [Range(10, 3600)]
    public int LeaseSeconds { get; set; } = 120;
}

/// <summary>Push channels per severity (email, sms, pager). Unset: medium email; high email and SMS; critical email, SMS and pager; low none.</summary>
public sealed class ChannelDefaults
{
    public string[]? Low { get; set; }
    public string[]? Medium { get; set; }
    public string[]? High { get; set; }
    public string[]? Critical { get; set; }

    public IReadOnlyList<string> For(Severity severity) => severity switch
    {
        Severity.Low => Low ?? [],
        Severity.Medium => Medium ?? [Channels.Channel.Email],
        Severity.High => High ?? [Channels.Channel.Email, Channels.Channel.Sms],
        Severity.Critical => Critical ?? [Channels.Channel.Email, Channels.Channel.Sms, Channels.Channel.Pager],
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };
}

public sealed class QuietHoursOptions
{
    /// <summary>Local time <c>HH:mm</c>; empty with <see cref="End"/> for none.</summary>
    public string? Start { get; set; }

    public string? End { get; set; }
}

/// <summary>
/// How the service calls case and intake over gRPC. With <c>Auth:SigningKey</c> (development, tests, standalone) it signs a short
/// token itself for the case's facility; with <c>Auth:Authority</c> (production) it obtains one from the identity provider with
/// the OAuth 2.0 client-credentials grant (<see cref="TokenEndpoint"/>, <see cref="ClientId"/>, <see cref="ClientSecret"/>).
/// </summary>
public sealed class ServiceTokenOptions
{
    /// <summary>The subject of self-signed tokens: what intake's PHI audit records as the reader.</summary>
    [Required]
    public string Subject { get; set; } = "svc-notification";

    [Range(1, 60)]
    public int LifetimeMinutes { get; set; } = 10;

    public string? TokenEndpoint { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string? Scope { get; set; }
}

/// <summary>Checks what data annotations cannot: channel names, quiet-hour times, webhook secrets, SMTP and service tokens.</summary>
internal sealed class NotificationOptionsValidator(IConfiguration configuration, IOptions<AuthOptions> auth) : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var errors = new List<string>();
        // Data annotations of the nested sections (the options validator checks the top level only).
        foreach (var (section, value) in new (string, object)[] { ("Email", options.Email), ("Sms", options.Sms), ("Pager", options.Pager), ("Retry", options.Retry), ("ServiceToken", options.ServiceToken), ("AnonymousEmail", options.AnonymousEmail) })
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
                errors.AddRange(results.Select(r => r.ErrorMessage?.StartsWith("Notification:", StringComparison.Ordinal) == true
                    ? r.ErrorMessage : $"Notification:{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }

        var smtp = configuration.GetConnectionString(SmtpConnection.ConnectionName);
        if (!string.IsNullOrWhiteSpace(smtp) && !SmtpConnection.TryParse(smtp, out _, out var smtpError))
            errors.Add($"ConnectionStrings:{SmtpConnection.ConnectionName} is not valid: {smtpError}");
        if (!MailboxAddress.TryParse(options.Email.From, out _))
            errors.Add("Notification:Email:From must be an email address, optionally with a display name.");

        foreach (var (key, hook) in new[] { ("Sms", options.Sms), ("Pager", options.Pager) })
        {
            if (!hook.IsConfigured) continue;
            // The body carries a phone number and the message: https, except to a provider's relay on this machine.
            if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
                errors.Add($"Notification:{key}:Url must be an absolute https URL (http only to a loopback address).");
            if (string.IsNullOrEmpty(hook.Secret) || hook.Secret.Length < 16)
                errors.Add($"Notification:{key}:Secret is required with Notification:{key}:Url (at least 16 characters).");
        }

        // A channel without a server or provider does not stop the start: outside Development it is "not configured" (every
        // delivery on it fails at once, falls back, and is counted for the operators' alert); see NotConfiguredTransport.

        foreach (var (severity, channels) in new[] { ("Low", options.DefaultChannels.Low), ("Medium", options.DefaultChannels.Medium), ("High", options.DefaultChannels.High), ("Critical", options.DefaultChannels.Critical) })
        {
            if (channels is not null && channels.Any(c => !Channel.Push.Contains(c)))
                errors.Add($"Notification:DefaultChannels:{severity} may hold only email, sms and pager.");
        }

        if (!QuietHours.TryParse(options.PatientQuietHours.Start, options.PatientQuietHours.End, out _))
            errors.Add("Notification:PatientQuietHours:Start and End must both be HH:mm (or both empty).");
        if (options.Retry.InitialDelaySeconds > options.Retry.MaxDelaySeconds)
            errors.Add("Notification:Retry:InitialDelaySeconds must not exceed MaxDelaySeconds.");

        if (string.IsNullOrWhiteSpace(auth.Value.SigningKey))
        {
            var t = options.ServiceToken;
            if (!Uri.TryCreate(t.TokenEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme != Uri.UriSchemeHttps
                || string.IsNullOrWhiteSpace(t.ClientId) || string.IsNullOrWhiteSpace(t.ClientSecret))
                errors.Add("With Auth:Authority, Notification:ServiceToken:TokenEndpoint (https), ClientId and ClientSecret are required (client-credentials tokens for calls to case and intake).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal static class Invariant
{
    public static string Format(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
