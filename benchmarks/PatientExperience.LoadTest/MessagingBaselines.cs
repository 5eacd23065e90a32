using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientExperience.Messaging;
using PatientExperience.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PatientExperience.LoadTest;

/// <summary>A message of the messaging baseline: its index and when it was published (Stopwatch ticks of this process).</summary>
public sealed record LoadProbe(long Index, long PublishedAt);

/// <summary>
/// Publish-consume through one durable queue, persistent messages, publisher confirms: first with RabbitMQ.Client alone, then
/// with MassTransit configured by the platform's own <c>AddPlatformMessaging</c> (retry, error queues, confirms, durable,
/// prefetch as the services run). Both publish from 32 concurrent publishers (the outbox relay's concurrency) and consume in
/// the same process; each on its own virtual host of the broker resolved as the tests do (a private local node, or
/// <c>RABBITMQ_URI</c>).
/// </summary>
internal static class MessagingBaselines
{
    public const int Publishers = 32;

    public static async Task<IReadOnlyList<MessagingResult>> RunAsync(int messages, CancellationToken ct)
    {
        await using var broker = await RabbitMqBroker.ResolveAsync(ct);
        if (!broker.IsAvailable) throw new InvalidOperationException(broker.SkipReason);
        Console.WriteLine($"broker: {broker.Description}");
        var raw = await RawAsync(await broker.CreateVirtualHostAsync("loadtest-raw-" + Guid.NewGuid().ToString("N")[..8], ct), messages, ct);
        Console.WriteLine(raw.SummaryLine());
        var masstransit = await MassTransitAsync(await broker.CreateVirtualHostAsync("loadtest-mt-" + Guid.NewGuid().ToString("N")[..8], ct), messages, ct);
        Console.WriteLine(masstransit.SummaryLine());
        return [raw, masstransit];
    }

    private static async Task<MessagingResult> RawAsync(string uri, int messages, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri) };
        await using var connection = await factory.CreateConnectionAsync(ct);
        await using var publishing = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        await using var consuming = await connection.CreateChannelAsync(cancellationToken: ct);
        const string queue = "loadtest-raw";
        await publishing.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);
        await consuming.BasicQosAsync(0, 200, false, ct);

        var recorder = new LatencyRecorder();
        var received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(consuming);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var probe = System.Text.Json.JsonSerializer.Deserialize<LoadProbe>(delivery.Body.Span)!;
            recorder.RecordValue(Stopwatch.GetElapsedTime(probe.PublishedAt));
            await consuming.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
            if (Interlocked.Increment(ref received) == messages) done.TrySetResult();
        };
        await consuming.BasicConsumeAsync(queue, autoAck: false, consumer, ct);

        var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
        var clock = Stopwatch.StartNew();
        await PublishAllAsync(messages, async i =>
        {
            var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new LoadProbe(i, Stopwatch.GetTimestamp()));
            await publishing.BasicPublishAsync("", queue, mandatory: true, properties, body, ct);
        }, ct);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5), ct);
        clock.Stop();
        return new MessagingResult("raw RabbitMQ.Client", messages, Math.Round(clock.Elapsed.TotalSeconds, 3), Math.Round(messages / clock.Elapsed.TotalSeconds, 1), recorder.Summarise());
    }

    private static async Task<MessagingResult> MassTransitAsync(string uri, int messages, CancellationToken ct)
    {
        var counter = new ProbeCounter(messages);
        var builder = Host.CreateApplicationBuilder();
        builder.Environment.EnvironmentName = "Production";
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:rabbitmq"] = uri });
        builder.Services.AddSingleton(counter);
        builder.Services.AddMessagingModule(x => x.AddConsumer<ProbeConsumer>());
        builder.AddPlatformMessaging();
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            var clock = Stopwatch.StartNew();
            await PublishAllAsync(messages, i => bus.Publish(new LoadProbe(i, Stopwatch.GetTimestamp()), ct), ct);
            await counter.Done.WaitAsync(TimeSpan.FromMinutes(5), ct);
            clock.Stop();
            return new MessagingResult("MassTransit (AddPlatformMessaging)", messages, Math.Round(clock.Elapsed.TotalSeconds, 3),
                Math.Round(messages / clock.Elapsed.TotalSeconds, 1), counter.Recorder.Summarise());
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Publishes indexes 0..count-1 from <see cref="Publishers"/> concurrent publishers, each awaiting its confirm.</summary>
    private static Task PublishAllAsync(int count, Func<long, Task> publish, CancellationToken ct)
    {
        long next = -1;
        return Task.WhenAll(Enumerable.Range(0, Publishers).Select(_ => Task.Run(async () =>
        {
            long i;
            while ((i = Interlocked.Increment(ref next)) < count) await publish(i);
        }, ct)));
    }

    internal sealed class ProbeCounter(int expected)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _received;

        public LatencyRecorder Recorder { get; } = new();

        public Task Done => _done.Task;

        public void Received(LoadProbe probe)
        {
            Recorder.RecordValue(Stopwatch.GetElapsedTime(probe.PublishedAt));
            if (Interlocked.Increment(ref _received) == expected) _done.TrySetResult();
        }
    }

    internal sealed class ProbeConsumer(ProbeCounter counter) : IConsumer<LoadProbe>
    {
        public Task Consume(ConsumeContext<LoadProbe> context)
        {
            counter.Received(context.Message);
            return Task.CompletedTask;
        }
    }
}
