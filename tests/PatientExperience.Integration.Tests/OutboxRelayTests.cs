using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;
using PatientExperience.Testing;

namespace PatientExperience.Integration.Tests;

/// <summary>The outbox relay never stalls: unpublishable messages are dead-lettered, and a failed publish keeps its document's order.</summary>
public sealed class OutboxRelayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static IDocumentStore StoreOf(IHost host) => host.Services.GetRequiredKeyedService<IDocumentStore>(MessagingHost.Service);

    private static Task WriteAsync(IHost host, string id, params OutboxMessage[] messages) =>
        StoreOf(host).Collection<ProbeDocument>(MessagingHost.Probes).InsertAsync(id, new ProbeDocument(id), messages, Ct);

    [Fact]
    public async Task A_message_whose_type_is_unknown_or_whose_payload_does_not_read_is_dead_lettered_with_the_reason_and_the_relay_goes_on()
    {
        var deliveries = new Deliveries();
        using var host = MessagingHost.Build(null, bus => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-relay"), deliveries);
        await host.StartAsync(Ct);
        var after = new ProbeHappened(Guid.NewGuid(), "after the broken ones");
        var unknownType = new OutboxMessage(Guid.NewGuid(), "PatientExperience.Gone.ProbeRetired, PatientExperience.Gone", "{}", new Dictionary<string, string>(), DateTimeOffset.UtcNow);
        var garbled = new OutboxMessage(Guid.NewGuid(), OutboxMessages.TypeName(typeof(ProbeHappened)), """{"probeId":"not-a-guid"}""", new Dictionary<string, string>(), DateTimeOffset.UtcNow);

        await WriteAsync(host, "d-1", unknownType, garbled, OutboxMessages.Create(after, DateTimeOffset.UtcNow));

        await Eventually.UntilAsync(() => Task.FromResult(deliveries.Received.Any(r => r.ProbeId == after.ProbeId)), Deadline, "the message behind the broken ones", Ct);
        var letters = await StoreOf(host).Outbox.DeadLettersAsync(10, Ct);
        Assert.Equal([garbled.Id, unknownType.Id], letters.OrderByDescending(l => l.Message.Id == garbled.Id).Select(l => l.Message.Id));
        Assert.Contains("is not known to this process", letters.Single(l => l.Message.Id == unknownType.Id).Reason);
        Assert.Contains("does not deserialise", letters.Single(l => l.Message.Id == garbled.Id).Reason);
        Assert.DoesNotContain("not-a-guid", letters.Single(l => l.Message.Id == garbled.Id).Reason);
        Assert.Empty(await StoreOf(host).Outbox.ClaimAsync(10, TimeSpan.FromSeconds(1), Ct));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task When_a_publish_fails_and_is_retried_the_documents_later_messages_do_not_overtake_it()
    {
        var deliveries = new Deliveries();
        // One message per claim: the failed one and the ones behind it are in different batches, as in a busy relay.
        using var host = MessagingHost.Build(null, bus => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-relay-order"), deliveries,
            new Dictionary<string, string?> { ["Messaging:Outbox:BatchSize"] = "1" });
        await host.StartAsync(Ct);
        var probes = Enumerable.Range(0, 4).Select(i => new ProbeHappened(Guid.NewGuid(), $"step {i}")).ToList();
        var observer = new FailOncePublishObserver(probes[1].ProbeId);
        using var _ = host.Services.GetRequiredService<IBus>().ConnectPublishObserver(observer);

        await WriteAsync(host, "d-1", [.. probes.Select(p => OutboxMessages.Create(p, DateTimeOffset.UtcNow))]);

        await Eventually.UntilAsync(() => Task.FromResult(probes.All(p => observer.Published.Contains(p.ProbeId))), Deadline, "every step published", Ct);
        Assert.True(observer.Failed);
        Assert.Equal(probes.Select(p => p.ProbeId), observer.Published);
        await host.StopAsync(Ct);
    }

    /// <summary>Fails the first publish of one probe (the broker refused it), and records the order of successful publishes.</summary>
    private sealed class FailOncePublishObserver(Guid failOnce) : IPublishObserver
    {
        private int _failed;

        public ConcurrentQueue<Guid> Published { get; } = new();

        public bool Failed => _failed == 1;

        public Task PrePublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is ProbeHappened p && p.ProbeId == failOnce && Interlocked.Exchange(ref _failed, 1) == 0)
                throw new InvalidOperationException("The broker refused the publish.");
            return Task.CompletedTask;
        }

        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is ProbeHappened p) Published.Enqueue(p.ProbeId);
            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
