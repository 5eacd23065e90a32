namespace PatientExperience.Testing;

/// <summary>
/// One broker for a test assembly or class (a private node takes seconds to start); each test takes its own virtual host. A
/// test project derives its fixture from this, adding the test framework's interfaces and its way to skip:
/// <code>public sealed class BrokerFixture : RabbitMqBrokerFixture, IAsyncLifetime { protected override void Skip(string reason) => Assert.Skip(reason); }</code>
/// </summary>
public abstract class RabbitMqBrokerFixture : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private RabbitMqBroker? _broker;

    public RabbitMqBroker Broker => _broker ?? throw new InvalidOperationException("The broker fixture has not been initialised.");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        _broker = await RabbitMqBroker.ResolveAsync(timeout.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null) await _broker.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Skips the calling test (the test framework's skip, which throws).</summary>
    protected abstract void Skip(string reason);

    /// <summary>The broker; skips the calling test, with the reason, when none is available.</summary>
    public RabbitMqBroker Require()
    {
        if (_broker is not { IsAvailable: true }) Skip(_broker?.SkipReason ?? "RabbitMQ unavailable");
        return Broker;
    }

    /// <summary>A fresh virtual host's URI; skips the calling test, with the reason, when no broker is available.</summary>
    public Task<string> FreshVirtualHostAsync(CancellationToken cancellationToken) => Require().CreateVirtualHostAsync(cancellationToken);
}
