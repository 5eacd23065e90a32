using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientExperience.Messaging;

namespace PatientExperience.Integration.Tests;

/// <summary>Outside Development a forgotten broker connection string stops the service instead of running it on an in-process bus.</summary>
public sealed class EmbeddedModeChoiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IHost Build(string environment, IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.AddPlatformMessaging();
        var host = builder.Build();
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        return host;
    }

    [Fact]
    public async Task In_production_without_a_broker_the_service_refuses_to_start_and_says_how_to_choose_the_embedded_transport()
    {
        using var host = Build("Production", new Dictionary<string, string?>());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(error.Failures, f => f.Contains("ConnectionStrings:rabbitmq", StringComparison.Ordinal) && f.Contains("Messaging:Transport=InMemory", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Production", "InMemory")]
    [InlineData("Development", null)]
    public async Task The_in_memory_transport_runs_when_chosen_explicitly_or_in_development(string environment, string? transport)
    {
        using var host = Build(environment, new Dictionary<string, string?> { ["Messaging:Transport"] = transport });

        await host.StartAsync(Ct);

        Assert.StartsWith("loopback://", host.Services.GetRequiredService<IBus>().Address.ToString(), StringComparison.Ordinal);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Choosing_rabbitmq_without_its_connection_string_is_refused()
    {
        using var host = Build("Development", new Dictionary<string, string?> { ["Messaging:Transport"] = "RabbitMq" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(error.Failures, f => f.Contains("needs ConnectionStrings:rabbitmq", StringComparison.Ordinal));
    }
}
