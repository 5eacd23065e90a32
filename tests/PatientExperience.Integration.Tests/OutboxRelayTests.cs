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

    /// <summary>
    /// RabbitMQ.Client 7.2 can leave a publish waiting for its confirm for ever when the broker restarts under it
    /// (rabbitmq-dotnet-client#1930): in a fault run the case service's relay then held its pass, and every later event, until
    /// the process restarted. Here a publish waits until it is cancelled, as that one did.
    /// </summary>
    [Fact]
    public async Task A_publish_whose_confirm_never_comes_times_out_and_goes_out_again_instead_of_holding_the_relay()
    {
        var deliveries = new Deliveries();
        using var host = MessagingHost.Build(null, bus => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-relay-hang"), deliveries,
            new Dictionary<string, string?> { ["Messaging:Outbox:PublishTimeoutSeconds"] = "1" });
        await host.StartAsync(Ct);
        var stuck = new ProbeHappened(Guid.NewGuid(), "its first confirm never comes");
        var observer = new HangOncePublishObserver(stuck.ProbeId);
        using var _ = host.Services.GetRequiredService<IBus>().ConnectPublishObserver(observer);

        await WriteAsync(host, "d-1", OutboxMessages.Create(stuck, DateTimeOffset.UtcNow));
        await Eventually.UntilAsync(() => Task.FromResult(observer.Hung), Deadline, "the first publish waiting", Ct);
        var after = new ProbeHappened(Guid.NewGuid(), "written while it waited");
        await WriteAsync(host, "d-2", OutboxMessages.Create(after, DateTimeOffset.UtcNow));

        await Eventually.UntilAsync(() => Task.FromResult(deliveries.Received.Any(r => r.ProbeId == stuck.ProbeId) && deliveries.Received.Any(r => r.ProbeId == after.ProbeId)),
            Deadline, "the stuck message published again and the later one published", Ct);
        await Eventually.UntilAsync(async () => (await StoreOf(host).Outbox.BacklogAsync(Ct)).Pending == 0, Deadline, "the outbox empty", Ct);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_full_batch_is_followed_at_once_by_the_next_and_a_write_during_a_pass_wakes_the_relay_instead_of_the_poll()
    {
        // A poll far longer than the test's deadline: everything below is published only if no pass waits for it.
        var deliveries = new Deliveries();
        using var host = MessagingHost.Build(null, bus => bus.AddConsumer<ChainingProbeConsumer>().Endpoint(e => e.Name = "itest-relay-wake"), deliveries,
            new Dictionary<string, string?> { ["Messaging:Outbox:BatchSize"] = "10", ["Messaging:Outbox:PollIntervalMs"] = "60000" });
        await host.StartAsync(Ct);
        var burst = Enumerable.Range(0, 35).Select(i => new ProbeHappened(Guid.NewGuid(), $"burst {i}")).ToList();
        var chainStart = new ProbeHappened(Guid.NewGuid(), ChainingProbeConsumer.Step(0));

        // One write, so one wake-up, for 35 messages: three full batches of 10 and one of 5.
        await WriteAsync(host, "burst", [.. burst.Select(p => OutboxMessages.Create(p, DateTimeOffset.UtcNow))]);
        await Eventually.UntilAsync(() => Task.FromResult(burst.All(b => deliveries.Received.Any(r => r.ProbeId == b.ProbeId))), Deadline,
            "all 35 published without waiting for the 60 s poll", Ct);
        // A chain: each step's consumer writes the next step while the relay is publishing or has just published the last one.
        await WriteAsync(host, "chain-0", OutboxMessages.Create(chainStart, DateTimeOffset.UtcNow));
        await Eventually.UntilAsync(() => Task.FromResult(deliveries.Received.Count(r => r.ProbeId != Guid.Empty) >= 35 + ChainingProbeConsumer.Steps), Deadline,
            $"the {ChainingProbeConsumer.Steps}-step chain, each step woken by the previous one's write", Ct);

        Assert.Equal(35 + ChainingProbeConsumer.Steps, deliveries.Received.Select(r => r.ProbeId).Distinct().Count());
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_pass_removes_what_it_published_in_one_store_write_not_one_per_message()
    {
        var deliveries = new Deliveries();
        CountingOutbox? outbox = null;
        using var host = MessagingHost.Build(null, bus => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-relay-batch"), deliveries,
            new Dictionary<string, string?> { ["Messaging:Outbox:BatchSize"] = "100" },
            services: s =>
            {
                var original = s.Single(d => d.ServiceType == typeof(IDocumentStore) && Equals(d.ServiceKey, MessagingHost.Service));
                s.Remove(original);
                s.AddKeyedSingleton<IDocumentStore>(MessagingHost.Service, (sp, key) =>
                {
                    var inner = (IDocumentStore)original.KeyedImplementationFactory!(sp, key);
                    outbox = new CountingOutbox(inner.Outbox);
                    return new CountingStore(inner, outbox);
                });
            });
        await host.StartAsync(Ct);
        var probes = Enumerable.Range(0, 40).Select(i => new ProbeHappened(Guid.NewGuid(), $"document {i}")).ToList();

        // Forty messages in one write (one claim finds them all): forty publishes, then one delete for the pass.
        await StoreOf(host).Collection<ProbeDocument>(MessagingHost.Probes).InsertAsync("batch", new ProbeDocument("batch"),
            [.. probes.Select(p => OutboxMessages.Create(p, DateTimeOffset.UtcNow))], Ct);
        await Eventually.UntilAsync(() => Task.FromResult((outbox?.MarkedPublished ?? 0) == 40), Deadline, "all 40 marked published", Ct);

        Assert.Equal(0, outbox!.SingleMarks);
        Assert.Equal(1, outbox.BatchMarks);
        Assert.Equal(probes.Select(p => p.ProbeId).Order(), deliveries.Received.Select(r => r.ProbeId).Order());
        Assert.Equal(0, (await StoreOf(host).Outbox.BacklogAsync(Ct)).Pending);
        await host.StopAsync(Ct);
    }

    /// <summary>Consumes probes; for a chain step, writes the next step to the store (with its outbox message), up to <see cref="Steps"/>.</summary>
    public sealed class ChainingProbeConsumer([FromKeyedServices(MessagingHost.Service)] IDocumentStore store, Deliveries deliveries) : IConsumer<ProbeHappened>
    {
        public const int Steps = 20;

        public static string Step(int n) => $"chain {n}";

        public async Task Consume(ConsumeContext<ProbeHappened> context)
        {
            deliveries.Received.Enqueue((context.Message.ProbeId, context.MessageId, null));
            if (!context.Message.Note.StartsWith("chain ", StringComparison.Ordinal)) return;
            var n = int.Parse(context.Message.Note["chain ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            if (n + 1 >= Steps) return;
            var next = new ProbeHappened(Guid.NewGuid(), Step(n + 1));
            await store.Collection<ProbeDocument>(MessagingHost.Probes).InsertAsync($"chain-{n + 1}", new ProbeDocument(next.Note),
                [OutboxMessages.Create(next, DateTimeOffset.UtcNow)], context.CancellationToken);
        }
    }

    private sealed class CountingStore(IDocumentStore inner, IOutbox outbox) : IDocumentStore
    {
        public string Name => inner.Name;

        public IOutbox Outbox => outbox;

        public IDocumentCollection<T> Collection<T>(CollectionDefinition definition) where T : class => inner.Collection<T>(definition);

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

        public Task<bool> TryWriteAllAsync(IReadOnlyList<CollectionWrite> writes, CancellationToken cancellationToken) => inner.TryWriteAllAsync(writes, cancellationToken);
    }

    /// <summary>The store's outbox, counting how the relay marks messages published.</summary>
    private sealed class CountingOutbox(IOutbox inner) : IOutbox
    {
        private int _single;
        private int _batch;
        private int _marked;

        public int SingleMarks => Volatile.Read(ref _single);

        public int BatchMarks => Volatile.Read(ref _batch);

        public int MarkedPublished => Volatile.Read(ref _marked);

        public event Action? MessagesAdded
        {
            add => inner.MessagesAdded += value;
            remove => inner.MessagesAdded -= value;
        }

        public Task<IReadOnlyList<PendingOutboxMessage>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken) => inner.ClaimAsync(max, lease, cancellationToken);

        public async Task MarkPublishedAsync(PendingOutboxMessage message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _single);
            await inner.MarkPublishedAsync(message, cancellationToken);
            Interlocked.Increment(ref _marked);
        }

        public async Task MarkPublishedAsync(IReadOnlyList<PendingOutboxMessage> messages, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _batch);
            await inner.MarkPublishedAsync(messages, cancellationToken);
            Interlocked.Add(ref _marked, messages.Count);
        }

        public Task ReleaseAsync(IReadOnlyList<PendingOutboxMessage> messages, DateTimeOffset retryAt, CancellationToken cancellationToken) => inner.ReleaseAsync(messages, retryAt, cancellationToken);

        public Task DeadLetterAsync(PendingOutboxMessage message, string reason, CancellationToken cancellationToken) => inner.DeadLetterAsync(message, reason, cancellationToken);

        public Task<IReadOnlyList<DeadLetteredOutboxMessage>> DeadLettersAsync(int max, CancellationToken cancellationToken) => inner.DeadLettersAsync(max, cancellationToken);

        public Task<OutboxBacklog> BacklogAsync(CancellationToken cancellationToken) => inner.BacklogAsync(cancellationToken);
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

    /// <summary>The first publish of one message waits until its cancellation token ends it, as a publish whose confirm never comes.</summary>
    private sealed class HangOncePublishObserver(Guid hangOnce) : IPublishObserver
    {
        private int _hung;

        public bool Hung => Volatile.Read(ref _hung) == 1;

        public async Task PrePublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is ProbeHappened p && p.ProbeId == hangOnce && Interlocked.Exchange(ref _hung, 1) == 0)
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }

        public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
