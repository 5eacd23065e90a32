using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using PatientExperience.Messaging.Scheduling;

namespace PatientExperience.Scheduling.Tests;

/// <summary>Scheduled messages on a SQLite file: they outlive the process, and several dispatchers share them without sending any twice.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pxp-scheduling-tests-").FullName;
    private readonly SchedulingRecorder _recorder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        // Pooled connections keep the file open; close them so the directory can go.
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private IEnumerable<ReceivedReminder> Received(Guid reminderId) => _recorder.Reminders.Where(r => r.Message.ReminderId == reminderId);

    [Fact]
    public async Task A_message_scheduled_before_a_restart_is_delivered_once_by_the_next_process()
    {
        var start = DateTimeOffset.UtcNow;
        var reminder = SchedulerHost.Reminder(start + TimeSpan.FromMinutes(10));
        using (var before = SchedulerHost.Build(_recorder, new FakeTimeProvider(start), _directory))
        {
            await before.StartAsync(Ct);
            await before.ScheduleReminderAsync(reminder);
            await before.StopAsync(Ct);
        }

        Assert.Empty(Received(reminder.ReminderId));

        var time = new FakeTimeProvider(start + TimeSpan.FromMinutes(1));
        using var after = SchedulerHost.Build(_recorder, time, _directory);
        await after.StartAsync(Ct);
        Assert.Single(await after.PendingAsync());

        await after.AdvanceAndSettleAsync(time, TimeSpan.FromMinutes(10), _recorder);
        await SchedulerHost.UntilAsync(async () => (await after.PendingAsync()).Count == 0, "the sent reminder to leave the store");
        await after.AdvanceAndSettleAsync(time, TimeSpan.FromHours(1), _recorder);

        Assert.Single(Received(reminder.ReminderId));
        await after.StopAsync(Ct);
    }

    [Fact]
    public async Task Two_dispatchers_on_one_store_send_each_due_message_once()
    {
        const int count = 200;
        // One clock for both processes, and it only moves when told: no lease can run out, so a duplicate could only come
        // from two dispatchers sending the same message at once.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var first = SchedulerHost.Build(_recorder, time, _directory);
        using var second = SchedulerHost.Build(_recorder, time, _directory);
        await first.StartAsync(Ct);
        await second.StartAsync(Ct);
        var due = time.GetUtcNow() + TimeSpan.FromMinutes(5);
        var reminders = Enumerable.Range(0, count).Select(i => SchedulerHost.Reminder(due + TimeSpan.FromMilliseconds(i % 20), $"reminder {i}")).ToList();
        foreach (var (r, i) in reminders.Select((r, i) => (r, i))) await (i % 2 == 0 ? first : second).ScheduleReminderAsync(r);

        time.Advance(TimeSpan.FromMinutes(6));
        await SchedulerHost.UntilAsync(() => reminders.All(r => Received(r.ReminderId).Any()), $"all {count} reminders to arrive");
        await SchedulerHost.UntilAsync(async () => (await first.PendingAsync()).Count == 0, "every sent reminder to leave the store");
        await first.AdvanceAndSettleAsync(time, TimeSpan.FromMinutes(1), _recorder);
        await second.AdvanceAndSettleAsync(time, TimeSpan.FromMinutes(1), _recorder);

        var duplicates = reminders.Where(r => Received(r.ReminderId).Count() > 1).Select(r => r.Note).ToList();
        Assert.Empty(duplicates);
        Assert.Equal(count, _recorder.Reminders.Count(r => r.Message.Note.StartsWith("reminder", StringComparison.Ordinal)));
        await first.StopAsync(Ct);
        await second.StopAsync(Ct);
    }

    [Fact]
    public async Task A_message_another_replica_schedules_is_sent_by_the_next_read_at_most_MaxWaitMs_later()
    {
        // Both replicas share the store and the clock; the one that schedules does not dispatch, so nothing in this process
        // tells the other's dispatcher about the message: only its periodic read (every MaxWaitMs, 1 s here) can find it.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var scheduling = SchedulerHost.Build(_recorder, time, _directory, settings: new Dictionary<string, string?> { ["Messaging:Scheduler:Paused"] = "true" });
        using var dispatching = SchedulerHost.Build(_recorder, time, _directory);
        await scheduling.StartAsync(Ct);
        await dispatching.StartAsync(Ct);
        var reminder = SchedulerHost.Reminder(time.GetUtcNow(), "from the other replica");

        await scheduling.ScheduleReminderAsync(reminder);
        time.Advance(TimeSpan.FromSeconds(1));

        await SchedulerHost.UntilAsync(() => Received(reminder.ReminderId).Any(), "the other replica's dispatcher to find the reminder");
        await scheduling.StopAsync(Ct);
        await dispatching.StopAsync(Ct);
    }

    [Fact]
    public async Task A_message_left_claimed_by_a_dispatcher_that_died_is_sent_again_after_its_lease_with_the_same_id()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = SchedulerHost.Build(_recorder, time, _directory);
        await host.StartAsync(Ct);
        var reminder = SchedulerHost.Reminder(time.GetUtcNow() + TimeSpan.FromMinutes(1));
        var handle = await host.ScheduleReminderAsync(reminder);

        // What a dispatcher that claimed the message at its due time and died leaves behind (default lease: 30 s).
        var stored = Assert.Single(await host.PendingAsync());
        await host.ScheduledMessagesOf().ReplaceAsync(stored.Id,
            stored.Document with { DueAt = reminder.DueAt + TimeSpan.FromSeconds(30), Attempts = 1 }, stored.Version, [], Ct);

        await host.AdvanceAndSettleAsync(time, TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(20), _recorder);
        Assert.Empty(Received(reminder.ReminderId));

        await host.AdvanceAndSettleAsync(time, TimeSpan.FromSeconds(15), _recorder);
        var resent = Assert.Single(Received(reminder.ReminderId));
        Assert.Equal(handle.TokenId, resent.MessageId);
        Assert.Equal(handle.TokenId, resent.TokenId);
        await host.StopAsync(Ct);
    }
}
