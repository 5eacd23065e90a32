using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientExperience.Messaging;
using PatientExperience.Storage;

namespace PatientExperience.Integration.Tests;

/// <summary>Something happened that a test wants delivered over RabbitMQ.</summary>
public sealed record ProbeHappened(Guid ProbeId, string Note);

public sealed record ProbeDocument(string Name);

/// <summary>What the consumers in a test host saw.</summary>
public sealed class Deliveries
{
    public ConcurrentQueue<(Guid ProbeId, Guid? MessageId, string? TraceId)> Received { get; } = new();
    public ConcurrentDictionary<Guid, int> Attempts { get; } = new();

    /// <summary>For <see cref="FlakyProbeConsumer"/>: how many attempts fail before one succeeds (an outage of a dependency).</summary>
    public int FailuresBeforeSuccess { get; set; }

    /// <summary>For <see cref="RefusingProbeConsumer"/>: refuses every message as a permanent failure while true.</summary>
    public volatile bool Refusing = true;
}

/// <summary>Fails the first <see cref="Deliveries.FailuresBeforeSuccess"/> attempts at each probe, as a consumer does while something it needs is down.</summary>
public sealed class FlakyProbeConsumer(Deliveries deliveries) : IConsumer<ProbeHappened>
{
    public Task Consume(ConsumeContext<ProbeHappened> context)
    {
        var attempt = deliveries.Attempts.AddOrUpdate(context.Message.ProbeId, 1, (_, n) => n + 1);
        if (attempt <= deliveries.FailuresBeforeSuccess) throw new InvalidOperationException("A dependency of the probe consumer is down.");
        deliveries.Received.Enqueue((context.Message.ProbeId, context.MessageId, Activity.Current?.TraceId.ToString()));
        return Task.CompletedTask;
    }
}

/// <summary>Refuses probes as permanent failures until told otherwise (a bug fixed by a redeploy).</summary>
public sealed class RefusingProbeConsumer(Deliveries deliveries) : IConsumer<ProbeHappened>
{
    public Task Consume(ConsumeContext<ProbeHappened> context)
    {
        deliveries.Attempts.AddOrUpdate(context.Message.ProbeId, 1, (_, n) => n + 1);
        if (deliveries.Refusing) throw new PermanentFailureException("The probe refers to something that does not exist.");
        deliveries.Received.Enqueue((context.Message.ProbeId, context.MessageId, Activity.Current?.TraceId.ToString()));
        return Task.CompletedTask;
    }
}

public sealed class ProbeConsumer(Deliveries deliveries) : IConsumer<ProbeHappened>
{
    public Task Consume(ConsumeContext<ProbeHappened> context)
    {
        deliveries.Received.Enqueue((context.Message.ProbeId, context.MessageId, Activity.Current?.TraceId.ToString()));
        return Task.CompletedTask;
    }
}

/// <summary>Always fails, to drive a message through retry into the error queue.</summary>
public sealed class FailingProbeConsumer(Deliveries deliveries) : IConsumer<ProbeHappened>
{
    public Task Consume(ConsumeContext<ProbeHappened> context)
    {
        deliveries.Attempts.AddOrUpdate(context.Message.ProbeId, 1, (_, n) => n + 1);
        throw new InvalidOperationException("The probe consumer always fails.");
    }
}

/// <summary>A generic host wired like a service: a store with an outbox relay, and the platform bus on RabbitMQ.</summary>
public static class MessagingHost
{
    public const string Service = "itest";

    public static readonly CollectionDefinition Probes = new("probes");

    /// <param name="rabbitUri">The broker; null for the in-memory transport.</param>
    public static IHost Build(string? rabbitUri, Action<IBusRegistrationConfigurator>? consumers = null, Deliveries? deliveries = null,
        IDictionary<string, string?>? settings = null, bool relay = true, bool acceptWhileBrokerIsDown = false, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:rabbitmq"] = rabbitUri,
            ["Messaging:Transport"] = rabbitUri is null ? "InMemory" : null,
            ["Storage:Provider"] = "Sqlite",
            // Seconds instead of the production back-off of minutes: two redeliveries, then _error.
            ["Messaging:Redelivery:IntervalsSeconds:0"] = "1",
            ["Messaging:Redelivery:IntervalsSeconds:1"] = "1",
            ["Messaging:Scheduler:MaxWaitMs"] = "100",
            ["Messaging:ErrorQueues:PollSeconds"] = "1",
            ["Storage:InMemory"] = "true",
            ["Messaging:RetryLimit"] = "2",
            ["Messaging:RetryMinIntervalMs"] = "10",
            ["Messaging:RetryMaxIntervalMs"] = "50",
            ["Messaging:Outbox:PollIntervalMs"] = "100",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(deliveries ?? new Deliveries());
        builder.AddDocumentStore(Service, Probes);
        services?.Invoke(builder.Services);
        if (consumers is not null) builder.Services.AddMessagingModule(consumers);
        if (acceptWhileBrokerIsDown) builder.AcceptWorkWhileBrokerIsDown();
        builder.AddPlatformMessaging();
        if (relay) builder.AddOutboxRelay(Service);
        builder.AddDurableScheduler(Service);
        var host = builder.Build();
        // MassTransit keeps a process-wide log context; several hosts one after another in a test process must each set their own.
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        return host;
    }
}
