using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Notification.Channels;
using PatientExperience.Notification.Deliveries;
using Microsoft.Extensions.Options;

namespace PatientExperience.Notification.Tests;

/// <summary>A missing or malformed setting stops the process at start, naming the key.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("ConnectionStrings:smtp", "http://mail.example.org", "ConnectionStrings:smtp is not valid")]
    [InlineData("ConnectionStrings:smtp", "smtp://mail.example.org?tls=auto", "allowed for a loopback server only")]
    [InlineData("Notification:Sms:Url", "http://sms.example.org/hook", "Notification:Sms:Url must be an absolute https URL")]
    [InlineData("Notification:Sms:Secret", "short", "Notification:Sms:Secret is required")]
    [InlineData("Notification:ConsoleBaseUrl", null, "Notification:ConsoleBaseUrl is required")]
    [InlineData("Notification:CaseGrpcAddress", null, "Notification:CaseGrpcAddress is required")]
    [InlineData("Notification:IntakeGrpcAddress", "dns:///intake-grpc", "Notification:IntakeGrpcAddress must be an absolute http://, https:// or dns:/// address")]
    [InlineData("Notification:Retry:WindowMinutes", "5", "Notification:Retry:WindowMinutes must be between 30")]
    [InlineData("Notification:DefaultChannels:High:0", "fax", "Notification:DefaultChannels:High may hold only")]
    [InlineData("Notification:PatientQuietHours:Start", "9pm", "Notification:PatientQuietHours:Start and End")]
    [InlineData("Notification:Email:From", "not an address", "Notification:Email:From must be an email address")]
    [InlineData("Notification:AnonymousEmail:PerAddressPerDay", "0", "Notification:AnonymousEmail:PerAddressPerDay must be between 1 and 100")]
    public async Task A_bad_setting_stops_the_start(string key, string? value, string message)
    {
        var failure = await PatientExperience.Testing.HostStartFailure.OfAsync(async () =>
        {
            await using var app = await NotificationApp.StartAsync(settings: new Dictionary<string, string?> { [key] = value });
        });
        var e = Assert.IsAssignableFrom<OptionsValidationException>(failure);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_a_channel_without_a_provider_is_not_configured_and_never_reports_delivered()
    {
        await using var app = await NotificationApp.StartAsync("Production", new Dictionary<string, string?>
        {
            ["ConnectionStrings:smtp"] = null, ["Notification:Sms:Url"] = null, ["Notification:Pager:Url"] = null, ["Messaging:Transport"] = "InMemory",
        });
        var c = app.KnownCase("critical");

        // A critical escalation to an executive: email, SMS and pager all without a provider, the inbox always there.
        await app.Publish(Samples.Escalated(c, "critical", "executive", Samples.Executive));
        var all = await app.DeliveriesWhenAsync(
            d => d.Any(x => x.Channel == "inbox" && x.Status == DeliveryStatus.Delivered)
                && new[] { "email", "sms", "pager" }.All(ch => d.Any(x => x.Channel == ch && x.Status == DeliveryStatus.Failed)),
            "the push channels to fail as not configured and the inbox to hold the message");

        Assert.Equal(3, all.Count(d => d.Channel != "inbox"));
        Assert.All(all.Where(d => d.Channel != "inbox"), d =>
        {
            Assert.Equal("not-configured", d.Transport);
            Assert.Equal("channel-not-configured", d.Reason);
        });
        Assert.Contains(all, d => d.FallbackChannel is not null);
        Assert.Empty(app.Services.GetRequiredService<DevMailbox>().Messages);
        Assert.Contains(app.Logs.Messages, m => m.StartsWith("Error ", StringComparison.Ordinal) && m.Contains("pager has no server or provider configured", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_an_identity_provider_the_service_needs_client_credentials_for_its_own_calls()
    {
        var e = await Assert.ThrowsAnyAsync<OptionsValidationException>(async () =>
        {
            await using var app = await NotificationApp.StartAsync(settings: new Dictionary<string, string?> { ["Auth:SigningKey"] = null, ["Auth:Authority"] = "https://login.example.org" });
        });
        Assert.Contains("Notification:ServiceToken:TokenEndpoint", e.Message, StringComparison.Ordinal);
    }
}
