using System.Diagnostics.Metrics;
using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using PatientExperience.Messaging;
using PatientExperience.Testing;
using RabbitMQ.Client;

namespace PatientExperience.Integration.Tests;

/// <summary>
/// What happens to a message whose consumer fails: in-memory retries, then delayed redelivery through the durable scheduler
/// (seconds here, minutes in production), then <c>_error</c> with the reason; permanent failures and unreadable messages go to
/// <c>_error</c> at once; the <c>_error</c> queues are counted, reported and can be moved back.
/// </summary>
public sealed class RedeliveryTests(BrokerFixture broker)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private async Task<string?> TransportAsync(string transport) => transport == "rabbitmq" ? await broker.FreshVirtualHostAsync() : null;

    [Theory]
    [InlineData("rabbitmq")]
    [InlineData("in-memory")]
    public async Task A_consumer_that_fails_through_an_outage_longer_than_its_retries_consumes_the_message_after_a_delayed_redelivery(string transport)
    {
        var uri = await TransportAsync(transport);
        // Three attempts per delivery (the first and two in-memory retries): five failures outlast the first delivery and
        // part of the second, as a dependency that is down for longer than the in-memory retries last.
        var deliveries = new Deliveries { FailuresBeforeSuccess = 5 };
        using var host = MessagingHost.Build(uri, bus => bus.AddConsumer<FlakyProbeConsumer>().Endpoint(e => e.Name = "itest-flaky"), deliveries);
        await host.StartAsync(Ct);

        var probe = new ProbeHappened(Guid.NewGuid(), "during an outage");
        await host.Services.GetRequiredService<IBus>().Publish(probe, Ct);

        await Eventually.UntilAsync(() => Task.FromResult(deliveries.Received.Any(r => r.ProbeId == probe.ProbeId)), Deadline, "the probe to be consumed after redelivery", Ct);
        Assert.Equal(6, deliveries.Attempts[probe.ProbeId]);
        Assert.Single(deliveries.Received);
        Assert.Equal(0, await ErrorCountAsync(host, uri, "itest-flaky"));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_message_that_fails_on_every_retry_and_redelivery_goes_to_the_error_queue_marked_retries_exhausted()
    {
        var uri = await broker.FreshVirtualHostAsync();
        var deliveries = new Deliveries { FailuresBeforeSuccess = int.MaxValue };
        using var host = MessagingHost.Build(uri, bus => bus.AddConsumer<FlakyProbeConsumer>().Endpoint(e => e.Name = "itest-failing"), deliveries);
        await host.StartAsync(Ct);

        var probe = new ProbeHappened(Guid.NewGuid(), "never works");
        await host.Services.GetRequiredService<IBus>().Publish(probe, Ct);

        var inError = await GetFromErrorQueueAsync(uri, "itest-failing");
        Assert.Equal(9, deliveries.Attempts[probe.ProbeId]); // three attempts in each of the first delivery and two redeliveries
        Assert.Contains(probe.ProbeId.ToString(), Encoding.UTF8.GetString(inError.Body.Span));
        Assert.Equal(FailureReasons.RetriesExhausted, Header(inError, FailureReasons.Header));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_permanent_failure_goes_to_the_error_queue_at_once_with_its_reason()
    {
        var uri = await broker.FreshVirtualHostAsync();
        var deliveries = new Deliveries();
        using var host = MessagingHost.Build(uri, bus => bus.AddConsumer<RefusingProbeConsumer>().Endpoint(e => e.Name = "itest-refusing"), deliveries);
        await host.StartAsync(Ct);

        var probe = new ProbeHappened(Guid.NewGuid(), "refused");
        await host.Services.GetRequiredService<IBus>().Publish(probe, Ct);

        var inError = await GetFromErrorQueueAsync(uri, "itest-refusing");
        Assert.Equal(1, deliveries.Attempts[probe.ProbeId]);
        Assert.Equal(FailureReasons.Permanent, Header(inError, FailureReasons.Header));
        Assert.Equal(typeof(PermanentFailureException).FullName, Header(inError, MessageHeaders.FaultExceptionType));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_message_that_cannot_be_read_goes_to_the_error_queue_at_once_with_its_reason()
    {
        var uri = await broker.FreshVirtualHostAsync();
        var deliveries = new Deliveries { FailuresBeforeSuccess = 0 };
        using var host = MessagingHost.Build(uri, bus => bus.AddConsumer<FlakyProbeConsumer>().Endpoint(e => e.Name = "itest-unreadable"), deliveries);
        await host.StartAsync(Ct);

        // A MassTransit envelope whose message does not fit the contract (the id is not a GUID).
        var envelope = $$"""
            {"messageId":"{{Guid.NewGuid()}}","messageType":["urn:message:PatientExperience.Integration.Tests:ProbeHappened"],
             "message":{"probeId":"not-a-guid","note":"garbled"}, "headers":{} }
            """;
        await using (var connection = await new ConnectionFactory { Uri = new Uri(uri!) }.CreateConnectionAsync(Ct))
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: Ct))
        {
            var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = Guid.NewGuid().ToString() };
            await channel.BasicPublishAsync("", "itest-unreadable", mandatory: true, properties, Encoding.UTF8.GetBytes(envelope), Ct);
        }

        var inError = await GetFromErrorQueueAsync(uri, "itest-unreadable");
        Assert.Empty(deliveries.Attempts);
        Assert.Equal(FailureReasons.Undeliverable, Header(inError, FailureReasons.Header));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_message_in_an_error_queue_makes_readiness_degraded_and_shows_in_the_gauge_until_it_is_moved_back_and_consumed()
    {
        var uri = await broker.FreshVirtualHostAsync();
        var deliveries = new Deliveries();
        using var host = MessagingHost.Build(uri, bus => bus.AddConsumer<RefusingProbeConsumer>().Endpoint(e => e.Name = "itest-fixed-later"), deliveries);
        await host.StartAsync(Ct);
        var monitor = host.Services.GetRequiredService<ErrorQueueMonitor>();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var probe = new ProbeHappened(Guid.NewGuid(), "refused until the fix");
        await host.Services.GetRequiredService<IBus>().Publish(probe, Ct);
        await Eventually.UntilAsync(async () =>
        {
            await monitor.RefreshAsync(Ct);
            return monitor.Counts.GetValueOrDefault("itest-fixed-later") == 1;
        }, Deadline, "the refused probe counted in itest-fixed-later_error", Ct);

        var degraded = await health.CheckHealthAsync(r => r.Tags.Contains("ready"), Ct);
        Assert.Equal(HealthStatus.Degraded, degraded.Entries["error-queues"].Status);
        Assert.Equal(1L, degraded.Entries["error-queues"].Data["itest-fixed-later_error"]);
        Assert.Equal(1, GaugeValue("itest-fixed-later_error"));

        // The fix is deployed; the operator moves the message back (what tools/ErrorQueue does).
        deliveries.Refusing = false;
        await using (var connection = await ErrorQueues.ConnectAsync(RabbitMqUri.Parse(uri), "itest-operator", Ct))
        {
            Assert.Equal(1, await ErrorQueues.MoveBackAsync(connection, "itest-fixed-later", max: 100, Ct));
        }

        await Eventually.UntilAsync(() => Task.FromResult(deliveries.Received.Any(r => r.ProbeId == probe.ProbeId)), Deadline, "the moved probe to be consumed", Ct);
        await monitor.RefreshAsync(Ct);
        var healthy = await health.CheckHealthAsync(r => r.Tags.Contains("ready"), Ct);
        Assert.Equal(HealthStatus.Healthy, healthy.Entries["error-queues"].Status);
        Assert.Equal(0, GaugeValue("itest-fixed-later_error"));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task With_the_in_memory_transport_a_message_moved_to_an_error_queue_makes_readiness_degraded()
    {
        var deliveries = new Deliveries();
        using var host = MessagingHost.Build(null, bus => bus.AddConsumer<RefusingProbeConsumer>().Endpoint(e => e.Name = "itest-refusing-memory"), deliveries);
        await host.StartAsync(Ct);
        var monitor = host.Services.GetRequiredService<ErrorQueueMonitor>();

        await host.Services.GetRequiredService<IBus>().Publish(new ProbeHappened(Guid.NewGuid(), "refused"), Ct);

        await Eventually.UntilAsync(() => Task.FromResult(monitor.Counts.GetValueOrDefault("itest-refusing-memory") == 1), Deadline, "the refused probe counted", Ct);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"), Ct);
        Assert.Equal(HealthStatus.Degraded, report.Entries["error-queues"].Status);
        await host.StopAsync(Ct);
    }

    private static async Task<long> ErrorCountAsync(IHost host, string? uri, string queue)
    {
        if (uri is null) return host.Services.GetRequiredService<ErrorQueueMonitor>().Counts.GetValueOrDefault(queue);
        await using var connection = await ErrorQueues.ConnectAsync(RabbitMqUri.Parse(uri), "itest", Ct);
        return await ErrorQueues.CountAsync(connection, queue + ErrorQueues.Suffix, Ct);
    }

    /// <summary>The first message in <paramref name="queue"/>'s <c>_error</c> queue, once it is there (up to 30 s).</summary>
    internal static async Task<BasicGetResult> GetFromErrorQueueAsync(string? uri, string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri!) };
        await using var connection = await factory.CreateConnectionAsync(Ct);
        return await Eventually.UntilAsync<BasicGetResult>(async () =>
        {
            // A get on a queue that does not exist yet closes the channel, so each attempt uses its own.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
            try
            {
                return await channel.BasicGetAsync(queue + ErrorQueues.Suffix, autoAck: true, Ct);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                return null;
            }
        }, Deadline, $"the message in {queue}_error", Ct);
    }

    private static string? Header(BasicGetResult message, string key) =>
        (message.BasicProperties.Headers is { } headers && headers.TryGetValue(key, out var value) ? value : null) switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            var other => other.ToString(),
        };

    /// <summary>The gauge's current value for one queue, as an exporter would collect it.</summary>
    private static long GaugeValue(string errorQueue)
    {
        long? value = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "pxp.messaging.error_queue.messages") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, measurement, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "messaging.destination.name" && (string?)tag.Value == errorQueue) value = measurement;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return value ?? throw new InvalidOperationException($"The gauge reported nothing for {errorQueue}.");
    }
}
