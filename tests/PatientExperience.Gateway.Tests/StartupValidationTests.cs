using System.Net;
using Microsoft.Extensions.Options;

namespace PatientExperience.Gateway.Tests;

/// <summary>A gateway that is misconfigured refuses to start rather than starting without authentication or with nonsense limits.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task Without_a_signing_key_or_an_authority_the_gateway_does_not_start()
    {
        await using var app = await GatewayApp.StartAsync("Production", new Dictionary<string, string?> { ["Auth:SigningKey"] = null });

        var error = Assert.IsType<OptionsValidationException>(PatientExperience.Testing.HostStartFailure.Of(() => app.CreateClient()));

        Assert.Equal(typeof(PatientExperience.ServiceDefaults.Security.AuthOptions), error.OptionsType);
        Assert.Contains("Auth:Authority", error.Message);
        Assert.Contains("Auth:SigningKey", error.Message);
    }

    [Fact]
    public async Task Outside_development_the_signing_key_committed_in_the_repository_is_refused()
    {
        await using var app = await GatewayApp.StartAsync("Production", new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = "ZGV2ZWxvcG1lbnQtb25seS1zaWduaW5nLWtleS1kby1ub3QtdXNlLWluLXByb2R1Y3Rpb24=",
        });

        var error = Assert.IsType<OptionsValidationException>(PatientExperience.Testing.HostStartFailure.Of(() => app.CreateClient()));

        Assert.Contains("development key committed in the repository", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_identity_provider_alone_is_enough_to_start()
    {
        await using var app = await GatewayApp.StartAsync("Production", new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = null,
            ["Auth:Authority"] = "https://login.example.org/realms/patient-experience",
        });

        var response = await app.CreateClient().GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// JwtBearer refuses a plain-http authority while RequireHttpsMetadata is true, but only when it first builds its options,
    /// which is on the first request: the gateway starts, then answers every request (health probes and the public form too) with 500.
    /// </summary>
    [Fact]
    public async Task An_http_authority_that_must_serve_https_metadata_stops_the_start()
    {
        await using var app = await GatewayApp.StartAsync("Production", new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = null,
            ["Auth:Authority"] = "http://identity.internal/realms/patient-experience",
        });

        var error = Assert.IsType<OptionsValidationException>(PatientExperience.Testing.HostStartFailure.Of(() => app.CreateClient()));

        Assert.Equal(typeof(PatientExperience.ServiceDefaults.Security.AuthOptions), error.OptionsType);
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all!")]
    public async Task A_signing_key_that_is_too_short_or_not_base64_stops_the_start(string key)
    {
        await using var app = await GatewayApp.StartAsync("Production", new Dictionary<string, string?> { ["Auth:SigningKey"] = key });

        var error = Assert.IsType<OptionsValidationException>(PatientExperience.Testing.HostStartFailure.Of(() => app.CreateClient()));

        Assert.Contains("Auth:SigningKey must be base64 of at least 32 bytes", error.Message);
    }

    [Theory]
    [InlineData("Gateway:PublicPermitLimit", "0")]
    [InlineData("Gateway:PublicWindowSeconds", "0")]
    [InlineData("Gateway:MaxRequestBodyBytes", "10")]
    [InlineData("Gateway:DevTokenMinutes", "100000")]
    [InlineData("Gateway:RateLimits:Replicas", "0")]
    [InlineData("Gateway:RateLimits:Replicas", "40")]
    public async Task Gateway_limits_out_of_range_stop_the_start(string key, string value)
    {
        await using var app = await GatewayApp.StartAsync("Production", new Dictionary<string, string?> { [key] = value });

        var error = Assert.IsType<OptionsValidationException>(PatientExperience.Testing.HostStartFailure.Of(() => app.CreateClient()));

        Assert.Equal(typeof(GatewayOptions), error.OptionsType);
        Assert.Contains(key.Split(':')[1], error.Message);
    }
}
