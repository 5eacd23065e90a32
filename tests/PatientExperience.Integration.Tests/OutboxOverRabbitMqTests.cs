using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;
using PatientExperience.Testing;

namespace PatientExperience.Integration.Tests;

public sealed class OutboxOverRabbitMqTests(BrokerFixture broker)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private const string SourceName = "PatientExperience.Integration.Tests";
    private static readonly ActivitySource Source = new(SourceName);

    private static Task WriteWithEventAsync(IHost host, ProbeHappened probe) =>
        host.Services.GetRequiredKeyedService<IDocumentStore>(MessagingHost.Service).Collection<ProbeDocument>(MessagingHost.Probes)
            .InsertAsync(probe.ProbeId.ToString(), new ProbeDocument(probe.Note), [OutboxMessages.Create(probe, DateTimeOffset.UtcNow)], Ct);

    [Fact]
    public async Task A_committed_event_is_published_once_with_its_outbox_id_and_continues_the_writers_trace()
    {
        var uri = await broker.FreshVirtualHostAsync();
        var deliveries = new Deliveries();
        using var host = MessagingHost.Build(uri, bus => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-probe"), deliveries);
        await host.StartAsync(Ct);

        using var listener = new ActivityListener { ShouldListenTo = s => s.Name == SourceName || s.Name.StartsWith("PatientExperience", StringComparison.Ordinal) || s.Name == "MassTransit", Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        var probe = new ProbeHappened(Guid.NewGuid(), "first");
        string traceId;
        using (var activity = Source.StartActivity("write"))
        {
            traceId = activity!.TraceId.ToString();
            await WriteWithEventAsync(host, probe);
        }

        await Eventually.UntilAsync(() => Task.FromResult(deliveries.Received.Any(r => r.ProbeId == probe.ProbeId)), Deadline, "the probe to arrive over RabbitMQ", Ct);
        var pending = await host.Services.GetRequiredKeyedService<IDocumentStore>(MessagingHost.Service).Outbox.ClaimAsync(10, TimeSpan.FromSeconds(1), Ct);
        Assert.Empty(pending);

        var received = Assert.Single(deliveries.Received, r => r.ProbeId == probe.ProbeId);
        Assert.NotNull(received.MessageId);
        Assert.Equal(traceId, received.TraceId);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Events_stored_while_the_relay_is_paused_are_published_after_a_restart()
    {
        var uri = await broker.FreshVirtualHostAsync();
        var deliveries = new Deliveries();
        var path = Path.Combine(Path.GetTempPath(), "pxp-itest-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Storage:InMemory"] = "false", ["Storage:DataDirectory"] = path, ["Messaging:Outbox:Paused"] = "true" };
        var probes = Enumerable.Range(0, 20).Select(i => new ProbeHappened(Guid.NewGuid(), $"probe {i}")).ToList();
        try
        {
            using (var paused = MessagingHost.Build(uri, bus => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-probe"), deliveries, settings))
            {
                await paused.StartAsync(Ct);
                foreach (var p in probes) await WriteWithEventAsync(paused, p);
                await paused.StopAsync(Ct);
            }

            Assert.Empty(deliveries.Received);

            settings["Messaging:Outbox:Paused"] = "false";
            using var resumed = MessagingHost.Build(uri, bus => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-probe"), deliveries, settings);
            await resumed.StartAsync(Ct);
            await Eventually.UntilAsync(() => Task.FromResult(probes.All(p => deliveries.Received.Any(r => r.ProbeId == p.ProbeId))), Deadline, "every stored probe to arrive", Ct);
            Assert.Equal(probes.Count, deliveries.Received.Count);
            await resumed.StopAsync(Ct);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
    }

    [Fact]
    public async Task Messages_published_while_the_consumer_is_down_wait_in_its_durable_queue()
    {
        var uri = await broker.FreshVirtualHostAsync();
        var deliveries = new Deliveries();
        void Consumers(IBusRegistrationConfigurator bus) => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-durable");

        // Start once so the durable queue and its bindings exist, then stop the consumer.
        using (var first = MessagingHost.Build(uri, Consumers, deliveries))
        {
            await first.StartAsync(Ct);
            await first.StopAsync(Ct);
        }

        var probe = new ProbeHappened(Guid.NewGuid(), "while down");
        using (var publisher = MessagingHost.Build(uri))
        {
            await publisher.StartAsync(Ct);
            await publisher.Services.GetRequiredService<IBus>().Publish(probe, Ct);
            await publisher.StopAsync(Ct);
        }

        using var consumer = MessagingHost.Build(uri, Consumers, deliveries);
        await consumer.StartAsync(Ct);
        await Eventually.UntilAsync(() => Task.FromResult(deliveries.Received.Any(r => r.ProbeId == probe.ProbeId)), Deadline, "the message kept in the durable queue", Ct);
        await consumer.StopAsync(Ct);
    }

    [Fact]
    public async Task Readiness_reports_the_bus_and_the_store()
    {
        var uri = await broker.FreshVirtualHostAsync();
        using var host = MessagingHost.Build(uri, bus => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-ready"));
        await host.StartAsync(Ct);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"), Ct);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Contains(report.Entries.Keys, k => k.StartsWith("masstransit", StringComparison.Ordinal));
        Assert.Contains($"store-{MessagingHost.Service}", report.Entries.Keys);
        await host.StopAsync(Ct);
    }
}
