using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientExperience.Notification.Channels;
using PatientExperience.Testing.Smtp;

namespace PatientExperience.Notification.Tests;

/// <summary>The SMTP transport against a real SMTP server in the test process: what it does when a reply is lost.</summary>
public sealed class SmtpTransportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reply_lost_after_the_server_took_the_message_is_not_sent_again_at_once_on_a_fresh_connection()
    {
        await using var smtp = TestSmtpServer.Start();
        Assert.True(SmtpConnection.TryParse(smtp.ConnectionString, out var connection, out var error), error);
        var options = Options.Create(new NotificationOptions { Email = new EmailOptions { TimeoutSeconds = 1, MaxConnections = 1 } });
        await using var transport = new SmtpEmailTransport(connection, options, NullLogger<SmtpEmailTransport>.Instance);
        // A first message leaves the connection open for the next one to reuse.
        Assert.Equal(SendResult.Delivered, (await transport.SendAsync(new OutgoingMessage(Guid.NewGuid(), "email", "first@example.org", "First", "Body"), Ct)).Result);

        // The server stores the next message, then answers after the client has given up waiting.
        smtp.ReplyDelay = TimeSpan.FromSeconds(5);
        var second = Guid.NewGuid();
        var outcome = await transport.SendAsync(new OutgoingMessage(second, "email", "second@example.org", "Second", "Body"), Ct);

        Assert.Equal(SendResult.Transient, outcome.Result);
        // One copy: the transport did not take the timeout for a stale connection and send it again at once. (The delivery
        // worker's later retry may still send it again with the same Message-Id: SMTP cannot tell a lost reply from a lost
        // message.)
        Assert.Single(smtp.Received, m => m.MessageId == $"{second:N}@patient-experience");
    }

    [Fact]
    public async Task Sent_messages_are_not_kept_alive_by_the_configured_sender_address()
    {
        // MimeKit's address list subscribes to each address's Changed event. A sender address shared by every message kept every
        // message ever sent alive through its subscribers (the separate-process load run: 23,000 messages, +43 MB a minute).
        await using var smtp = TestSmtpServer.Start();
        Assert.True(SmtpConnection.TryParse(smtp.ConnectionString, out var connection, out var error), error);
        var options = Options.Create(new NotificationOptions { Email = new EmailOptions { MaxConnections = 1 } });
        await using var transport = new SmtpEmailTransport(connection, options, NullLogger<SmtpEmailTransport>.Instance);

        for (var i = 0; i < 3; i++)
            Assert.Equal(SendResult.Delivered, (await transport.SendAsync(new OutgoingMessage(Guid.NewGuid(), "email", $"p{i}@example.org", "Subject", "Body"), Ct)).Result);

        var from = (MimeKit.InternetAddress)typeof(SmtpEmailTransport).GetField("_from", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(transport)!;
        var changed = (Delegate?)typeof(MimeKit.InternetAddress).GetField("Changed", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(from);
        Assert.Null(changed);
        Assert.Equal(3, smtp.Received.Count);
    }
}
