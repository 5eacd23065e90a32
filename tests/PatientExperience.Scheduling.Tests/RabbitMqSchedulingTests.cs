using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Testing;

namespace PatientExperience.Scheduling.Tests;

/// <summary>One broker for the class; each test gets its own virtual host (see <see cref="RabbitMqBrokerFixture"/>).</summary>
public sealed class BrokerFixture : RabbitMqBrokerFixture, IAsyncLifetime
{
    protected override void Skip(string reason) => Assert.Skip(reason);

    /// <summary>A fresh virtual host's URI; skips the calling test, with the reason, when no broker is available.</summary>
    public Task<string> FreshVirtualHostAsync() => FreshVirtualHostAsync(TestContext.Current.CancellationToken);
}

/// <summary>The scheduler over a real RabbitMQ, with the real clock and short delays: awaited with deadlines, never timed.</summary>
public sealed class RabbitMqSchedulingTests(BrokerFixture broker) : IClassFixture<BrokerFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pxp-scheduling-rabbitmq-").FullName;
    private readonly SchedulingRecorder _recorder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_message_scheduled_before_the_process_restarts_is_delivered_by_the_next_one()
    {
        var uri = await broker.FreshVirtualHostAsync();
        var reminder = SchedulerHost.Reminder(DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2), "after the restart");
        Guid tokenId;

        // The first process schedules and stops; its dispatcher is paused so that it cannot be the one that sends, however
        // long stopping takes.
        using (var before = SchedulerHost.Build(_recorder, dataDirectory: _directory, rabbitUri: uri,
                   settings: new Dictionary<string, string?> { ["Messaging:Scheduler:Paused"] = "true" }))
        {
            await before.StartAsync(Ct);
            tokenId = (await before.ScheduleReminderAsync(reminder)).TokenId;
            await before.StopAsync(Ct);
        }

        using var after = SchedulerHost.Build(_recorder, dataDirectory: _directory, rabbitUri: uri);
        await after.StartAsync(Ct);
        await SchedulerHost.UntilAsync(() => _recorder.Reminders.Any(r => r.Message.ReminderId == reminder.ReminderId), "the reminder to arrive over RabbitMQ");
        await SchedulerHost.UntilAsync(async () => (await after.PendingAsync()).Count == 0, "the sent reminder to leave the store");

        var received = Assert.Single(_recorder.Reminders, r => r.Message.ReminderId == reminder.ReminderId);
        Assert.Equal(tokenId, received.MessageId);
        Assert.Equal(reminder.Target.Roles, received.Message.Target.Roles);
        await after.StopAsync(Ct);
    }

    [Fact]
    public async Task A_saga_deadline_reaches_the_saga_over_RabbitMQ()
    {
        var uri = await broker.FreshVirtualHostAsync();
        using var host = SchedulerHost.Build(_recorder, dataDirectory: _directory, rabbitUri: uri);
        await host.StartAsync(Ct);
        var grievanceId = Guid.NewGuid();

        await host.Services.GetRequiredService<IBus>().Publish(new GrievanceOpened(grievanceId, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2)), Ct);

        await SchedulerHost.UntilAsync(() => _recorder.Breaches.Any(b => b.GrievanceId == grievanceId), "the deadline to reach the saga");
        var scheduled = Assert.Single(_recorder.DeadlinesScheduled, d => d.GrievanceId == grievanceId);
        Assert.Equal(scheduled.TokenId, Assert.Single(_recorder.Breaches, b => b.GrievanceId == grievanceId).TokenId);
        await host.StopAsync(Ct);
    }
}
