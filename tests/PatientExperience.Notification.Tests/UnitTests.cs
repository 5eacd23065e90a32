using System.Text;
using MailKit.Security;
using PatientExperience.Notification.Channels;
using PatientExperience.Notification.Preferences;

namespace PatientExperience.Notification.Tests;

public sealed class SmtpConnectionTests
{
    [Theory]
    [InlineData("smtp://user:p%40ss@mail.example.org:587?tls=starttls", "mail.example.org", 587, SecureSocketOptions.StartTls, "user", "p@ss")]
    [InlineData("smtp://mail.example.org", "mail.example.org", 25, SecureSocketOptions.StartTls, null, null)]
    [InlineData("smtp://localhost:2525", "localhost", 2525, SecureSocketOptions.StartTlsWhenAvailable, null, null)]
    [InlineData("smtp://127.0.0.1?tls=auto", "127.0.0.1", 25, SecureSocketOptions.StartTlsWhenAvailable, null, null)]
    [InlineData("smtps://relay.example.org", "relay.example.org", 465, SecureSocketOptions.SslOnConnect, null, null)]
    [InlineData("smtp://127.0.0.1:2525?tls=none", "127.0.0.1", 2525, SecureSocketOptions.None, null, null)]
    [InlineData("smtp://mailpit:1025?tls=none", "mailpit", 1025, SecureSocketOptions.None, null, null)]
    public void Parses(string value, string host, int port, SecureSocketOptions security, string? user, string? password)
    {
        Assert.True(SmtpConnection.TryParse(value, out var c, out var error), error);
        Assert.Equal(new SmtpConnection(host, port, security, user, password), c);
        Assert.DoesNotContain(password ?? "no-password", c.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://mail.example.org")]
    [InlineData("smtp://mail.example.org?tls=maybe")]
    [InlineData("smtp://mail.example.org?tls=auto")] // opportunistic STARTTLS can be stripped on the way: loopback only
    [InlineData("smtp://mail.example.org?from=x")]
    [InlineData("not a url")]
    public void Rejects(string value) => Assert.False(SmtpConnection.TryParse(value, out _, out _));
}

public sealed class QuietHoursTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Theory]
    [InlineData("2026-03-11T07:00:00Z", true, "2026-03-11T11:00:00Z")]  // 03:00 EDT
    [InlineData("2026-03-11T02:30:00Z", true, "2026-03-11T11:00:00Z")]  // 22:30 EDT the evening before
    [InlineData("2026-03-11T11:00:00Z", false, null)]                   // 07:00 EDT: over
    [InlineData("2026-03-11T01:59:00Z", false, null)]                   // 21:59 EDT
    public void Over_midnight_in_the_persons_zone(string now, bool quiet, string? ends)
    {
        Assert.True(QuietHours.TryParse("22:00", "07:00", out var hours));
        Assert.Equal(quiet, hours!.IsQuiet(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), NewYork, out var endsAt));
        if (ends is not null) Assert.Equal(DateTimeOffset.Parse(ends, System.Globalization.CultureInfo.InvariantCulture), endsAt);
    }

    [Fact]
    public void A_window_ending_in_the_spring_forward_gap_ends_just_after_it()
    {
        // 8 March 2026: New York clocks go from 02:00 to 03:00. Quiet 01:00-02:30 ends at 03:00 EDT (07:00Z).
        Assert.True(QuietHours.TryParse("01:00", "02:30", out var hours));
        Assert.True(hours!.IsQuiet(new DateTimeOffset(2026, 3, 8, 6, 30, 0, TimeSpan.Zero), NewYork, out var endsAt));
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero), endsAt);
    }

    [Theory]
    [InlineData("22:00", null)]
    [InlineData("7:00", "22:00")]
    [InlineData("22:00", "22:00")]
    public void Rejects(string? start, string? end) => Assert.False(QuietHours.TryParse(start, end, out _));
}

public sealed class WebhookSignatureTests
{
    [Fact]
    public async Task A_provider_that_answers_with_a_redirect_is_not_followed_and_the_send_fails_permanently()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = call => call.Path == "/sms" ? 307 : 200;
        receiver.Location = call => call.Path == "/sms" ? new Uri(receiver.BaseAddress, "/elsewhere").ToString() : null;
        using var http = WebhookTransport.CreateHttpClient();
        var transport = new WebhookTransport("sms", new WebhookOptions { Url = receiver.SmsUrl, Secret = WebhookReceiver.Secret }, http,
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<WebhookTransport>.Instance);

        var outcome = await transport.SendAsync(new OutgoingMessage(Guid.NewGuid(), "sms", "+15550100", null, "Case C-1: escalated"), TestContext.Current.CancellationToken);

        Assert.Equal(SendResult.Permanent, outcome.Result);
        Assert.Equal("webhook-307", outcome.Reason);
        Assert.Equal("/sms", Assert.Single(receiver.Calls).Path); // the signed body went nowhere else
    }

    [Fact]
    public void The_signature_is_hmac_sha256_over_timestamp_dot_body_in_lower_case_hex()
    {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'secret'
        var signature = WebhookTransport.Sign(Encoding.UTF8.GetBytes("secret"), "1700000000", Encoding.UTF8.GetBytes("{\"a\":1}"));
        Assert.Equal("49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686", signature);
    }
}

/// <summary>The name an anonymous submitter typed, as the hospital's email greets them with it.</summary>
public sealed class SafeNameTests
{
    [Theory]
    [InlineData("Jane Roe", "Jane Roe")]
    [InlineData("  Jane\r\nBcc: x  Roe ", "Jane Bcc: x Roe")]
    [InlineData("Jane\u202eeoR", "Jane eoR")]
    [InlineData("Visit http://evil.example now", "Visit now")]
    [InlineData("Win at www.prize.test", "Win at")]
    [InlineData("mail me@evil.example", "mail")]
    [InlineData("St. John J. Smith", "St. John J. Smith")]
    [InlineData("evil.example", null)]
    [InlineData("\u200b\u0000", null)]
    public void A_submitters_name_keeps_only_plain_words(string name, string? expected) =>
        Assert.Equal(expected, PatientExperience.Notification.Templates.SafeName.From(name));
}
