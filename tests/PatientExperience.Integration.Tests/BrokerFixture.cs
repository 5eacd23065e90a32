using PatientExperience.Integration.Tests;
using PatientExperience.Testing;

[assembly: AssemblyFixture(typeof(BrokerFixture))]

namespace PatientExperience.Integration.Tests;

/// <summary>One broker for the assembly (a private node takes seconds to start); each test gets its own virtual host.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private RabbitMqBroker? _broker;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _broker = await RabbitMqBroker.ResolveAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null) await _broker.DisposeAsync();
    }

    /// <summary>A fresh virtual host's URI; skips the calling test, with the reason, when no broker is available.</summary>
    public async Task<string> FreshVirtualHostAsync()
    {
        if (_broker is not { IsAvailable: true }) Assert.Skip(_broker?.SkipReason ?? "RabbitMQ unavailable");
        return await _broker.CreateVirtualHostAsync(TestContext.Current.CancellationToken);
    }
}
