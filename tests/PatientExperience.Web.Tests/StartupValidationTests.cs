using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace PatientExperience.Web.Tests;

public sealed class StartupValidationTests
{
    [Theory]
    [InlineData(null, "Web:GatewayBaseUrl is required")]
    [InlineData("gateway", "Web:GatewayBaseUrl must be an absolute URL")]
    [InlineData("ftp://gateway.internal", "Web:GatewayBaseUrl must be an http or https URL")]
    [InlineData("http://gateway.internal/?x=1", "Web:GatewayBaseUrl must not have a query or fragment")]
    public void The_front_end_does_not_start_without_a_valid_gateway_address(string? gateway, string expected)
    {
        using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("Auth:SigningKey", WebApp.SigningKey);
            b.UseSetting("Web:GatewayBaseUrl", gateway);
        });

        var failure = PatientExperience.Testing.HostStartFailure.Of(() => _ = app.Services);

        var validation = failure as OptionsValidationException ?? Assert.IsType<OptionsValidationException>(failure.InnerException, exactMatch: false);
        Assert.Contains(validation.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }
}
