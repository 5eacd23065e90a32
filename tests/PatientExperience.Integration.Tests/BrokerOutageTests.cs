using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;

namespace PatientExperience.Integration.Tests;

/// <summary>A service that accepts work into its outbox (intake) starts and stays ready while RabbitMQ is down.</summary>
public sealed class BrokerOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A RabbitMQ address nothing listens on.</summary>
    private static string DownBroker()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"amqp://guest:guest@127.0.0.1:{port}/";
    }

    private static readonly Dictionary<string, string?> ShortStart = new() { ["Messaging:StartTimeoutSeconds"] = "3" };

    [Fact]
    public async Task A_service_that_accepts_work_while_the_broker_is_down_starts_is_ready_and_keeps_what_it_accepts_in_its_outbox()
    {
        using var host = MessagingHost.Build(DownBroker(), bus => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-outage"),
            settings: ShortStart, relay: false, acceptWhileBrokerIsDown: true);

        await host.StartAsync(Ct);
        var probe = new ProbeHappened(Guid.NewGuid(), "accepted during the outage");
        var store = host.Services.GetRequiredKeyedService<IDocumentStore>(MessagingHost.Service);
        await store.Collection<ProbeDocument>(MessagingHost.Probes).InsertAsync("p-1", new ProbeDocument("p-1"), [OutboxMessages.Create(probe, DateTimeOffset.UtcNow)], Ct);
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var ready = await health.CheckHealthAsync(r => r.Tags.Contains("ready"), Ct);
        var broker = await health.CheckHealthAsync(r => r.Tags.Contains("broker"), Ct);

        Assert.NotEqual(HealthStatus.Unhealthy, ready.Status);
        Assert.DoesNotContain(ready.Entries.Keys, k => k.StartsWith("masstransit", StringComparison.Ordinal));
        Assert.NotEmpty(broker.Entries);
        Assert.NotEqual(HealthStatus.Healthy, broker.Status);
        var kept = await store.Outbox.ClaimAsync(10, TimeSpan.FromMilliseconds(1), Ct);
        Assert.Contains(kept, m => m.Message.Payload.Contains(probe.ProbeId.ToString(), StringComparison.Ordinal));
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(stopping.Token);
    }

    [Fact]
    public async Task Any_other_service_does_not_start_without_its_broker()
    {
        using var host = MessagingHost.Build(DownBroker(), bus => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-outage-strict"), settings: ShortStart);

        await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Ct));
    }
}
