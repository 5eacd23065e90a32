using PatientExperience.Testing;
using PatientExperience.Testing.Tests;

[assembly: AssemblyFixture(typeof(BrokerFixture))]

namespace PatientExperience.Testing.Tests;

/// <summary>One broker for the whole assembly; each test takes its own virtual host (see <see cref="RabbitMqBrokerFixture"/>).</summary>
public sealed class BrokerFixture : RabbitMqBrokerFixture, IAsyncLifetime
{
    protected override void Skip(string reason) => Assert.Skip(reason);
}
