using MassTransit;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PatientExperience.Messaging;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Storage;

namespace PatientExperience.Sagas.Tests;

/// <summary>A started host with the ticket saga on the document repository, a SQLite store and the outbox relay.</summary>
public sealed class TicketHost : IAsyncDisposable
{
    private TicketHost(IHost host) => Host = host;

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public IDocumentStore Store => Services.GetRequiredKeyedService<IDocumentStore>(Tickets.Service);

    public SagaDocumentCollection<TicketState> Documents => Services.GetRequiredService<SagaDocumentCollection<TicketState>>();

    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();

    /// <summary>
    /// With the MassTransit test harness (in-memory transport) instead of the platform bus, so tests can see what was
    /// published and what faulted.
    /// </summary>
    public static Task<TicketHost> StartWithHarnessAsync(Type sagaDefinition, bool relay = true, Action<IServiceCollection>? services = null,
        Action<IBusRegistrationConfigurator>? bus = null) =>
        StartAsync(builder =>
        {
            // AddPlatformMessaging binds these; the harness replaces the platform bus, so the relay's options are bound here.
            builder.Services.AddOptions<MessagingOptions>().Bind(builder.Configuration.GetSection(MessagingOptions.Section));
            builder.Services.AddMassTransitTestHarness(x =>
            {
                x.SetKebabCaseEndpointNameFormatter();
                x.AddSagaStateMachine<TicketStateMachine, TicketState>(sagaDefinition).DocumentRepository(Tickets.Service, Tickets.Collection);
                bus?.Invoke(x);
            });
            services?.Invoke(builder.Services);
        }, dataDirectory: null, relay);

    /// <summary>Wired as a service is: a messaging module on the platform bus (in memory here), its store on a SQLite file.</summary>
    public static Task<TicketHost> StartLikeServiceAsync(string dataDirectory, bool relay, TicketEvents? events = null) =>
        StartAsync(builder =>
        {
            builder.Services.AddSingleton(events ?? new TicketEvents());
            builder.Services.AddMessagingModule(x =>
            {
                x.AddSagaStateMachine<TicketStateMachine, TicketState, TicketStateDefinition>().DocumentRepository(Tickets.Service, Tickets.Collection);
                x.AddConsumer<TicketEventsConsumer>();
            });
            builder.AddPlatformMessaging();
        }, dataDirectory, relay);

    private static async Task<TicketHost> StartAsync(Action<HostApplicationBuilder> configure, string? dataDirectory, bool relay)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:InMemory"] = dataDirectory is null ? "true" : "false",
            ["Storage:DataDirectory"] = dataDirectory ?? "data",
            ["Storage:Provider"] = "Sqlite",
            ["Messaging:Transport"] = "InMemory",
            ["Messaging:RetryLimit"] = "2",
            ["Messaging:RetryMinIntervalMs"] = "10",
            ["Messaging:RetryMaxIntervalMs"] = "50",
            ["Messaging:Outbox:PollIntervalMs"] = "100",
            ["Messaging:Outbox:Paused"] = relay ? "false" : "true",
        });
        builder.Logging.ClearProviders();
        // The saga's collection is not listed: the repository registers it with the store.
        builder.AddDocumentStore(Tickets.Service);
        configure(builder);
        builder.AddOutboxRelay(Tickets.Service);

        var host = builder.Build();
        // MassTransit keeps a process-wide log context; each of several hosts in one test process sets its own.
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new TicketHost(host);
    }

    public Task PublishAsync<T>(T message) where T : class =>
        Services.GetRequiredService<IBus>().Publish(message, TestContext.Current.CancellationToken);

    /// <summary>Waits until the stored instance satisfies the condition (null: until it is gone).</summary>
    public Task<TicketState?> StoredAsync(Guid ticketId, Func<TicketState?, bool> condition, string what) =>
        Eventually.MatchAsync(() => Documents.LoadAsync(ticketId, TestContext.Current.CancellationToken), condition, what);

    /// <summary>What the relay published, as the bus saw it (polled: the harness's own waits give up when the bus looks idle).</summary>
    public Task<IReadOnlyList<T>> PublishedAsync<T>(Func<T, bool> match, int count, string what) where T : class =>
        Eventually.MatchAsync<IReadOnlyList<T>>(
            () => Harness.Published.Select<T>(TestContext.Current.CancellationToken).Select(m => m.Context.Message).Where(match).ToList(),
            found => found.Count >= count, what);

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(CancellationToken.None);
        Host.Dispose();
    }

    /// <summary>Releases pooled SQLite connections so a data directory can be deleted.</summary>
    public static void DeleteDirectory(string path)
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }
}

/// <summary>The ticket events a consumer in the host received (for hosts on the platform bus, which have no harness).</summary>
public sealed class TicketEvents
{
    public System.Collections.Concurrent.ConcurrentQueue<object> Received { get; } = new();

    public IReadOnlyList<T> Of<T>() => Received.OfType<T>().ToList();
}

public sealed class TicketEventsConsumer(TicketEvents events) : IConsumer<TicketOpened>, IConsumer<TicketAcknowledged>, IConsumer<TicketResolved>
{
    public Task Consume(ConsumeContext<TicketOpened> context) => Record(context.Message);

    public Task Consume(ConsumeContext<TicketAcknowledged> context) => Record(context.Message);

    public Task Consume(ConsumeContext<TicketResolved> context) => Record(context.Message);

    private Task Record(object message)
    {
        events.Received.Enqueue(message);
        return Task.CompletedTask;
    }
}
