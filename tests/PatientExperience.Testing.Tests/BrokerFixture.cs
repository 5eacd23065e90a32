using PatientExperience.Testing;
using PatientExperience.Testing.Tests;

[assembly: AssemblyFixture(typeof(BrokerFixture))]

namespace PatientExperience.Testing.Tests;

/// <summary>One broker for the whole assembly (a local node takes seconds to start); each test takes its own virtual host.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private RabbitMqBroker? _broker;

    public RabbitMqBroker Broker => _broker ?? throw new InvalidOperationException("The broker fixture has not been initialised.");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _broker = await RabbitMqBroker.ResolveAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null) await _broker.DisposeAsync();
    }

    /// <summary>Skips the calling test, with the reason, when no broker is available.</summary>
    public RabbitMqBroker Require()
    {
        if (!Broker.IsAvailable) Assert.Skip(Broker.SkipReason!);
        return Broker;
    }
}
