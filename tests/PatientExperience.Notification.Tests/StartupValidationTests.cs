using Microsoft.Extensions.Options;

namespace PatientExperience.Notification.Tests;

/// <summary>A missing or malformed setting stops the process at start, naming the key.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("ConnectionStrings:smtp", "http://mail.example.org", "ConnectionStrings:smtp is not valid")]
    [InlineData("Notification:Sms:Secret", "short", "Notification:Sms:Secret is required")]
    [InlineData("Notification:ConsoleBaseUrl", null, "Notification:ConsoleBaseUrl is required")]
    [InlineData("Notification:CaseGrpcAddress", null, "Notification:CaseGrpcAddress is required")]
    [InlineData("Notification:Retry:WindowMinutes", "5", "Notification:Retry:WindowMinutes must be between 30")]
    [InlineData("Notification:DefaultChannels:High:0", "fax", "Notification:DefaultChannels:High may hold only")]
    [InlineData("Notification:PatientQuietHours:Start", "9pm", "Notification:PatientQuietHours:Start and End")]
    [InlineData("Notification:Email:From", "not an address", "Notification:Email:From must be an email address")]
    public async Task A_bad_setting_stops_the_start(string key, string? value, string message)
    {
        var e = await Assert.ThrowsAnyAsync<OptionsValidationException>(async () =>
        {
            await using var app = await NotificationApp.StartAsync(settings: new Dictionary<string, string?> { [key] = value });
        });
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ConnectionStrings:smtp", "ConnectionStrings:smtp is required outside Development")]
    [InlineData("Notification:Pager:Url", "Notification:Pager:Url is required outside Development")]
    public async Task Outside_development_every_channel_needs_its_server_or_provider(string key, string message)
    {
        var e = await Assert.ThrowsAnyAsync<OptionsValidationException>(async () =>
        {
            // The embedded transport chosen explicitly, as Production requires, so the channel's own check is the one that fails.
            await using var app = await NotificationApp.StartAsync("Production", new Dictionary<string, string?> { [key] = null, ["Messaging:Transport"] = "InMemory" });
        });
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
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
