using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PatientExperience.Messaging;
using PatientExperience.Messaging.Scheduling;
using PatientExperience.Storage;
using PatientExperience.Testing;

namespace PatientExperience.Scheduling.Tests;

/// <summary>
/// A generic host wired like a service that schedules: its store, the durable scheduler, the platform bus (in memory, or
/// RabbitMQ when a URI is given), a reminder consumer and the response-deadline saga.
/// </summary>
public static class SchedulerHost
{
    public const string Service = "sched";

    /// <summary>The reminder consumer's queue, as a short address any bus resolves.</summary>
    public static readonly Uri ReminderQueue = new($"queue:{ReminderConsumer.Queue}");

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static IHost Build(SchedulingRecorder recorder, TimeProvider? time = null, string? dataDirectory = null, string? rabbitUri = null,
        IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:rabbitmq"] = rabbitUri,
            ["Storage:InMemory"] = dataDirectory is null ? "true" : "false",
            ["Messaging:RetryLimit"] = "0",
            // Hosts here run in the Production environment: the embedded modes are chosen explicitly, as a deployment would.
            ["Messaging:Transport"] = rabbitUri is null ? "InMemory" : null,
            ["Storage:Provider"] = "Sqlite",
        };
        if (dataDirectory is not null) configuration["Storage:DataDirectory"] = dataDirectory;
        builder.Configuration.AddInMemoryCollection(configuration);
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        // PXP_TEST_LOGS=1 shows the hosts' logs (MassTransit at Debug) when a test needs explaining.
        if (Environment.GetEnvironmentVariable("PXP_TEST_LOGS") == "1") builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ").SetMinimumLevel(LogLevel.Debug);
        if (time is not null) builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(recorder);

        // The scheduler's collection is not passed here: AddDurableScheduler registers it with the store.
        builder.AddDocumentStore(Service);
        builder.Services.AddMessagingModule(bus =>
        {
            bus.AddConsumer<ReminderConsumer>().Endpoint(e => e.Name = ReminderConsumer.Queue);
            bus.AddSagaStateMachine<ResponseDeadlineStateMachine, ResponseDeadlineState>().InMemoryRepository().Endpoint(e => e.Name = "sched-response-deadline");
        });
        builder.Services.AddConsumeObserver<RecordingConsumeObserver>();
        builder.AddDurableScheduler(Service);
        builder.AddPlatformMessaging();

        var host = builder.Build();
        // MassTransit keeps a process-wide log context; several hosts one after another in a test process must each set their own.
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        return host;
    }

    public static IMessageScheduler Scheduler(this IHost host) => host.Services.GetRequiredService<IMessageScheduler>();

    public static IDocumentCollection<ScheduledMessageDocument> ScheduledMessagesOf(this IHost host) =>
        host.Services.GetRequiredKeyedService<IDocumentStore>(Service).Collection<ScheduledMessageDocument>(ScheduledMessages.Definition);

    public static async Task<IReadOnlyList<Stored<ScheduledMessageDocument>>> PendingAsync(this IHost host) =>
        (await host.ScheduledMessagesOf().QueryAsync(new DocumentQuery { SortBy = "dueAt", PageSize = DocumentQuery.MaxPageSize }, TestContext.Current.CancellationToken)).Items;

    public static ReminderDue Reminder(DateTimeOffset dueAt, string note = "call the patient back") =>
        new(Guid.NewGuid(), note, dueAt, new ReminderTarget("ward-7", 2, ["unit-manager", "charge-nurse"]));

    public static Task<ScheduledMessage<ReminderDue>> ScheduleReminderAsync(this IHost host, ReminderDue reminder) =>
        host.Scheduler().ScheduleSend(ReminderQueue, reminder.DueAt.UtcDateTime, reminder, TestContext.Current.CancellationToken);

    public static Task UntilAsync(Func<bool> condition, string because) =>
        Eventually.UntilAsync(() => Task.FromResult(condition()), Deadline, because, TestContext.Current.CancellationToken);

    public static Task UntilAsync(Func<Task<bool>> condition, string because) =>
        Eventually.UntilAsync(condition, Deadline, because, TestContext.Current.CancellationToken);

    /// <summary>
    /// Moves the fake clock on by <paramref name="by"/> and waits until the dispatcher has caught up with the new time: a
    /// sentinel reminder due exactly then has arrived, and the dispatcher sends in due order, so whatever was due before it
    /// has been sent and whatever was not due yet has not.
    /// </summary>
    public static async Task AdvanceAndSettleAsync(this IHost host, FakeTimeProvider time, TimeSpan by, SchedulingRecorder recorder)
    {
        var sentinel = Reminder(time.GetUtcNow() + by, "sentinel");
        await host.ScheduleReminderAsync(sentinel);
        time.Advance(by);
        await UntilAsync(() => recorder.Reminders.Any(r => r.Message.ReminderId == sentinel.ReminderId), $"the dispatcher to catch up with {time.GetUtcNow():O}");
    }
}
