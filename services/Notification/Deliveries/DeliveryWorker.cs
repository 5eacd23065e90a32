using System.Diagnostics;
using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.Options;
using PatientExperience.Contracts.Vocabulary;
using PatientExperience.Notification.Channels;
using PatientExperience.Notification.Preferences;
using PatientExperience.Notification.Templates;
using PatientExperience.ServiceDefaults.Security;
using PatientExperience.Storage;

namespace PatientExperience.Notification.Deliveries;

/// <summary>
/// Attempts one delivery per <see cref="DeliveryDue"/>, and never loops: what comes next is a durable scheduled message.
/// <list type="bullet">
/// <item>Final, or a stale attempt number: nothing (duplicates and redeliveries are harmless).</item>
/// <item>Inside the recipient's quiet hours (not for critical staff notifications, never for the inbox): deferred to their
/// end.</item>
/// <item>Otherwise it leases the delivery (a version-checked write), sends, and records the outcome: delivered
/// (NotificationDelivered); a transient failure retried with exponential back-off while within the retry window; a permanent
/// failure, or the window spent, failed (NotificationFailed) after a fallback channel is created for high and critical severity.</item>
/// <item>An attempt still leased by another worker is looked at again when its lease ends (a worker that died mid-send).</item>
/// </list>
/// Sending is at least once: a worker that dies after the server accepted a message and before recording it sends it again
/// (the email's Message-Id and the webhook's Idempotency-Key stay the same).
/// </summary>
public sealed partial class DeliveryWorker(
    DeliveryStore deliveries, PreferenceStore preferences, ChannelTransports transports, TemplateRenderer templates, NotificationPhiProtector phi, StaffText staffText,
    IOptions<NotificationOptions> options, TimeProvider clock, ILogger<DeliveryWorker> logger) : IConsumer<DeliveryDue>
{
    private static readonly ActivitySource Source = new("PatientExperience");
    private static readonly Meter Meter = new("PatientExperience");
    private static readonly Counter<long> Outcomes = Meter.CreateCounter<long>("pxp.notification.attempts", description: "Delivery attempts by channel, outcome and transport (not-configured: a channel without its server or provider).");
    private static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>("pxp.notification.fallbacks", "{delivery}", "Fallback deliveries created after a permanent failure, by the channel that failed and the channel taken instead.");
    private static readonly Histogram<double> Lag = Meter.CreateHistogram<double>("pxp.notification.delivery_lag", "ms", "From the delivery's creation to its delivery.");

    public async Task Consume(ConsumeContext<DeliveryDue> context)
    {
        var due = context.Message;
        var ct = context.CancellationToken;
        var stored = await deliveries.GetAsync(due.DeliveryId, ct);
        if (stored is null)
        {
            LogUnknown(logger, due.DeliveryId);
            return;
        }

        var d = stored.Document;
        var now = clock.GetUtcNow();
        if (DeliveryStatus.IsFinal(d.Status)) return;
        var takeover = false;
        if (due.Attempt != d.Attempts + 1)
        {
            // The attempt in progress, seen again: leave it to its worker, and look again once its lease ends.
            if (d.Status == DeliveryStatus.Sending && due.Attempt == d.Attempts)
            {
                if (d.LeaseUntil > now)
                {
                    await ScheduleAsync(context, DeliveryDue.For(d.Id, due.Attempt, "lease"), d.LeaseUntil.Value);
                    return;
                }

                takeover = true;
            }
            else
            {
                LogStale(logger, d.Id, due.Attempt, d.Attempts);
                return;
            }
        }

        if (d.Channel == Channel.Inbox) return; // delivered when created

        // Quiet hours: not for critical staff notifications; patients' messages always wait.
        if (d.IsPatient || d.Severity != Severity.Critical)
        {
            var (hours, zone) = await QuietHoursAsync(d, ct);
            if (hours is not null && hours.IsQuiet(now, zone, out var endsAt))
            {
                var attempt = takeover ? due.Attempt : d.Attempts + 1;
                await ScheduleAsync(context, DeliveryDue.For(d.Id, attempt, "quiet-hours"), endsAt);
                await deliveries.SaveAsync(stored, (d with
                {
                    Status = DeliveryStatus.Deferred, NextAttemptAt = endsAt, Reason = "quiet-hours", Attempts = attempt - 1,
                }).WithAttempt(now, DeliveryStatus.Deferred, "quiet-hours"), [], now, ct);
                LogDeferred(logger, d.Id, d.Channel, endsAt);
                return;
            }
        }

        // Lease: one worker attempts it; a concurrent duplicate loses the version check and is retried by the bus, then sees the lease.
        var leased = await deliveries.SaveAsync(stored, d with
        {
            Status = DeliveryStatus.Sending, Attempts = due.Attempt, LeaseUntil = now.AddSeconds(options.Value.Retry.LeaseSeconds),
            FirstAttemptAt = d.FirstAttemptAt ?? now, NextAttemptAt = null,
        }, [], now, ct);
        d = leased.Document;

        // From here the attempt runs to its end even if the message's own delivery is cancelled (the broker connection
        // dropped, the endpoint stopping): a message the server took must be recorded, or the redelivered DeliveryDue finds
        // the lease, waits for it to end and sends it again. In a fault run a broker restart did that to emails in flight,
        // which reached their patients twice two minutes apart. The transports' own timeouts bound the attempt.
        ct = CancellationToken.None;
        SendOutcome outcome;
        using (var activity = Source.StartActivity("notification send " + d.Channel))
        {
            activity?.SetTag("pxp.delivery.id", d.Id.ToString());
            activity?.SetTag("pxp.delivery.channel", d.Channel);
            activity?.SetTag("pxp.delivery.attempt", d.Attempts);
            outcome = await SendAsync(d, ct);
            activity?.SetTag("pxp.delivery.outcome", outcome.Result.ToString());
            if (outcome.Reason is not null) activity?.SetTag("pxp.delivery.reason", outcome.Reason);
        }

        now = clock.GetUtcNow();
        Outcomes.Add(1, new("channel", d.Channel), new("outcome", outcome.Result.ToString().ToLowerInvariant()), new("transport", outcome.Transport));
        switch (outcome.Result)
        {
            case SendResult.Delivered:
                var delivered = (d with { Status = DeliveryStatus.Delivered, DeliveredAt = now, Transport = outcome.Transport, Reason = null, LeaseUntil = null })
                    .WithAttempt(now, DeliveryStatus.Delivered, null);
                await deliveries.SaveAsync(leased, delivered, [delivered.ToDelivered()], now, ct);
                Lag.Record((now - d.CreatedAt).TotalMilliseconds, new KeyValuePair<string, object?>("channel", d.Channel));
                LogDelivered(logger, d.Id, d.Channel, outcome.Transport, d.Attempts);
                return;

            case SendResult.Transient when NextAttempt(d, now) is { } next:
                await ScheduleAsync(context, DeliveryDue.For(d.Id, d.Attempts + 1, "retry"), next, ct);
                await deliveries.SaveAsync(leased, (d with
                {
                    Status = DeliveryStatus.Retrying, NextAttemptAt = next, Reason = outcome.Reason, Transport = outcome.Transport, LeaseUntil = null,
                }).WithAttempt(now, DeliveryStatus.Retrying, outcome.Reason), [], now, ct);
                LogRetrying(logger, d.Id, d.Channel, outcome.Reason ?? "", d.Attempts, next);
                return;

            default:
                var reason = outcome.Result == SendResult.Transient ? $"retries-exhausted:{outcome.Reason}" : outcome.Reason ?? "failed";
                await FailAsync(leased, reason, outcome.Transport, now, ct);
                return;
        }
    }

    /// <summary>When to try again after a transient failure, or null once the retry window is spent.</summary>
    internal DateTimeOffset? NextAttempt(Delivery d, DateTimeOffset now)
    {
        var r = options.Value.Retry;
        var exponent = Math.Min(d.Attempts - 1, 20);
        var delay = Math.Min(r.MaxDelaySeconds, r.InitialDelaySeconds * Math.Pow(2, exponent));
        delay *= 1 + (Random.Shared.NextDouble() * 0.2); // jitter, so a recovered server is not hit by every delivery at once
        var next = now.AddSeconds(Math.Min(delay, r.MaxDelaySeconds));
        var window = (d.FirstAttemptAt ?? now).AddMinutes(r.WindowMinutes);
        if (now >= window) return null;
        return next > window ? window : next;
    }

    /// <summary>Records a permanent failure; for high and critical severity creates the fallback delivery first (so a crash in between loses neither).</summary>
    private async Task FailAsync(Stored<Delivery> leased, string reason, string? transport, DateTimeOffset now, CancellationToken ct)
    {
        var d = leased.Document;
        string? fallback = null;
        if (d.Severity is Severity.High or Severity.Critical) fallback = await CreateFallbackAsync(d, now, ct);
        if (fallback is not null) Fallbacks.Add(1, new("channel", d.Channel), new("fallback", fallback));
        var failed = (d with
        {
            Status = DeliveryStatus.Failed, FailedAt = now, Reason = reason, Transport = transport, FallbackChannel = fallback, LeaseUntil = null, NextAttemptAt = null,
        }).WithAttempt(now, DeliveryStatus.Failed, reason);
        await deliveries.SaveAsync(leased, failed, [failed.ToFailed()], now, ct);
        LogFailed(logger, d.Id, d.Channel, reason, d.Attempts, fallback ?? "none");
    }

    private async Task<string?> CreateFallbackAsync(Delivery d, DateTimeOffset now, CancellationToken ct)
    {
        PatientEnvelope? patient = d.IsPatient ? d.RevealPatient(phi) : null;
        foreach (var channel in Channel.FallbacksFor(d.Channel, d.IsPatient))
        {
            if (channel != Channel.Inbox && string.IsNullOrWhiteSpace(AddressFor(d, channel, patient))) continue;
            var id = NewId.NextGuid();
            var fallback = staffText.Rebind(d, id) with
            {
                // The patient part is bound to its delivery: the fallback gets its own copy, encrypted for it.
                Id = id, ProtectedPatient = patient is null ? null : Delivery.ProtectPatient(phi, id, patient), Key = Delivery.KeyFor(d.SourceKey, d.RecipientId, channel), Channel = channel, Status = DeliveryStatus.Pending,
                Attempts = 0, CreatedAt = now, FirstAttemptAt = null, NextAttemptAt = null, LeaseUntil = null, DeliveredAt = null, FailedAt = null,
                Transport = null, Reason = null, FallbackOf = d.Id, FallbackChannel = null, Unread = false, ReadAt = null, History = [],
            };
            // Created, or the recipient has this channel for the same cause already: either way it is the fallback.
            await deliveries.CreateAsync(fallback, now, ct);
            return channel;
        }

        return null;
    }

    private async Task<SendOutcome> SendAsync(Delivery d, CancellationToken ct)
    {
        string? to;
        RenderedMessage rendered;
        try
        {
            PatientEnvelope? patient = d.IsPatient ? d.RevealPatient(phi) : null;
            to = AddressFor(d, d.Channel, patient);
            if (string.IsNullOrWhiteSpace(to)) return SendOutcome.Permanent("none", "no-address");
            rendered = patient is not null
                ? templates.RenderPatient(d.Event, d.Locale, d.Channel, patient.Message)
                : templates.RenderStaff(d.Event, d.Channel, staffText.Reveal(d) ?? throw new InvalidOperationException($"Delivery {d.Id} has no message."));
        }
        catch (Exception e) when (e is InvalidOperationException or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException)
        {
            // A template missing its section, or a patient envelope written with a key no longer configured: no retry will help.
            LogUnrenderable(logger, d.Id, e.GetType().Name);
            return SendOutcome.Permanent("none", e is InvalidOperationException ? "template-error" : "unreadable-contact");
        }

        return await transports.For(d.Channel).SendAsync(new OutgoingMessage(d.Id, d.Channel, to, rendered.Subject, rendered.Body), ct);
    }

    private static string? AddressFor(Delivery d, string channel, PatientEnvelope? patient) => (channel, patient) switch
    {
        (Channel.Email, not null) => patient.Email,
        (Channel.Sms, not null) => patient.Phone,
        (_, not null) => null,
        (Channel.Email, null) => d.Staff?.Email,
        (Channel.Sms, null) => d.Staff?.Phone,
        (Channel.Pager, null) => d.Staff?.Pager,
        _ => null,
    };

    private async Task<(QuietHours? Hours, TimeZoneInfo Zone)> QuietHoursAsync(Delivery d, CancellationToken ct)
    {
        QuietHours? hours;
        string? zone = d.TimeZone;
        if (d.IsPatient)
        {
            QuietHours.TryParse(options.Value.PatientQuietHours.Start, options.Value.PatientQuietHours.End, out hours);
        }
        else
        {
            var p = await preferences.GetAsync(d.RecipientId, ct);
            hours = p?.QuietHours;
            zone = p?.TimeZone ?? zone;
        }

        return (hours, zone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) ? tz : TimeZoneInfo.Utc);
    }

    private static Task ScheduleAsync(ConsumeContext context, DeliveryDue message, DateTimeOffset at) =>
        ScheduleAsync(context, message, at, context.CancellationToken);

    private static async Task ScheduleAsync(ConsumeContext context, DeliveryDue message, DateTimeOffset at, CancellationToken ct) =>
        await context.ScheduleSend(context.ReceiveContext.InputAddress, at.UtcDateTime, message, ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Channel}) delivered via {Transport} after {Attempts} attempt(s)")]
    private static partial void LogDelivered(ILogger logger, Guid deliveryId, string channel, string transport, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} ({Channel}) failed transiently ({Reason}) on attempt {Attempt}; next attempt at {NextAttemptAt:o}")]
    private static partial void LogRetrying(ILogger logger, Guid deliveryId, string channel, string reason, int attempt, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} ({Channel}) failed: {Reason} after {Attempts} attempt(s); fallback {Fallback}")]
    private static partial void LogFailed(ILogger logger, Guid deliveryId, string channel, string reason, int attempts, string fallback);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} ({Channel}) deferred to the end of quiet hours at {EndsAt:o}")]
    private static partial void LogDeferred(ILogger logger, Guid deliveryId, string channel, DateTimeOffset endsAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivery {DeliveryId}: attempt {Attempt} is stale (attempts so far {Attempts}); ignored")]
    private static partial void LogStale(ILogger logger, Guid deliveryId, int attempt, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} cannot be rendered ({ExceptionType}); it fails without retrying")]
    private static partial void LogUnrenderable(ILogger logger, Guid deliveryId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} is not in the store; its attempt is ignored")]
    private static partial void LogUnknown(ILogger logger, Guid deliveryId);
}
