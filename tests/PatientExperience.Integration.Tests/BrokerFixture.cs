using PatientExperience.Integration.Tests;
using PatientExperience.Testing;

[assembly: AssemblyFixture(typeof(BrokerFixture))]

namespace PatientExperience.Integration.Tests;

/// <summary>One broker for the assembly; each test gets its own virtual host (see <see cref="RabbitMqBrokerFixture"/>).</summary>
public sealed class BrokerFixture : RabbitMqBrokerFixture, IAsyncLifetime
{
    protected override void Skip(string reason) => Assert.Skip(reason);

    /// <summary>A fresh virtual host's URI; skips the calling test, with the reason, when no broker is available.</summary>
    public Task<string> FreshVirtualHostAsync() => FreshVirtualHostAsync(TestContext.Current.CancellationToken);
}
