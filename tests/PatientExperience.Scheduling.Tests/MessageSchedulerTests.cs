using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PatientExperience.Messaging;
using PatientExperience.Messaging.Scheduling;
using PatientExperience.Storage;

namespace PatientExperience.Scheduling.Tests;

/// <summary><see cref="IMessageScheduler"/> for code outside consumers, on the in-memory transport with a fake clock.</summary>
public sealed class MessageSchedulerTests : IAsyncLifetime
{
    private readonly SchedulingRecorder _recorder = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly IHost _host;

    public MessageSchedulerTests() => _host = SchedulerHost.Build(_recorder, _time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _host.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    private IEnumerable<ReceivedReminder> Received(Guid reminderId) => _recorder.Reminders.Where(r => r.Message.ReminderId == reminderId);

    [Fact]
    public async Task A_message_scheduled_outside_a_consumer_arrives_with_its_body_headers_and_ids_once_due()
    {
        var reminder = SchedulerHost.Reminder(_time.GetUtcNow() + TimeSpan.FromHours(4), "Rückruf — \"urgent\" ✓");
        var correlationId = Guid.NewGuid();

        var handle = await _host.Scheduler().ScheduleSend(SchedulerHost.ReminderQueue, reminder.DueAt.UtcDateTime, reminder,
            Pipe.Execute<SendContext<ReminderDue>>(ctx =>
            {
                ctx.Headers.Set("x-reason", "sla-breach");
                ctx.CorrelationId = correlationId;
            }), Ct);
        await _host.AdvanceAndSettleAsync(_time, TimeSpan.FromHours(3), _recorder);
        Assert.Empty(Received(reminder.ReminderId));

        _time.Advance(TimeSpan.FromHours(1));
        await SchedulerHost.UntilAsync(() => Received(reminder.ReminderId).Any(), "the reminder to arrive");
        await SchedulerHost.UntilAsync(async () => (await _host.PendingAsync()).Count == 0, "the sent reminder to leave the store");

        var received = Assert.Single(Received(reminder.ReminderId));
        Assert.Equal(reminder.Note, received.Message.Note);
        Assert.Equal(reminder.DueAt, received.Message.DueAt);
        Assert.Equal(reminder.Target.Unit, received.Message.Target.Unit);
        Assert.Equal(reminder.Target.EscalationLevel, received.Message.Target.EscalationLevel);
        Assert.Equal(reminder.Target.Roles, received.Message.Target.Roles);
        Assert.Equal("sla-breach", received.Reason);
        Assert.Equal(correlationId, received.CorrelationId);
        Assert.Equal(handle.TokenId, received.TokenId);
        Assert.Equal(handle.TokenId, received.MessageId);
    }

    [Fact]
    public async Task Each_message_is_sent_when_its_own_time_comes_whatever_the_order_it_was_scheduled_in()
    {
        var now = _time.GetUtcNow();
        var reminders = new[] { 40, 10, 30, 20 }.ToDictionary(m => m, m => SchedulerHost.Reminder(now + TimeSpan.FromMinutes(m), $"after {m} min"));
        foreach (var r in reminders.Values) await _host.ScheduleReminderAsync(r);

        await _host.AdvanceAndSettleAsync(_time, TimeSpan.FromMinutes(25), _recorder);
        var byHalfTime = reminders.Where(r => Received(r.Value.ReminderId).Any()).Select(r => r.Key).Order().ToList();
        await _host.AdvanceAndSettleAsync(_time, TimeSpan.FromMinutes(20), _recorder);

        Assert.Equal([10, 20], byHalfTime);
        Assert.All(reminders.Values, r => Assert.Single(Received(r.ReminderId)));
    }

    [Fact]
    public async Task A_scheduled_publish_reaches_the_subscribers_of_its_type()
    {
        var reminder = SchedulerHost.Reminder(_time.GetUtcNow() + TimeSpan.FromMinutes(10));

        await _host.Scheduler().SchedulePublish(reminder.DueAt.UtcDateTime, reminder, Ct);
        _time.Advance(TimeSpan.FromMinutes(10));

        await SchedulerHost.UntilAsync(() => Received(reminder.ReminderId).Any(), "the published reminder to arrive");
    }

    [Fact]
    public async Task Cancelling_by_token_removes_the_message_wherever_it_was_going()
    {
        var kept = SchedulerHost.Reminder(_time.GetUtcNow() + TimeSpan.FromMinutes(10), "kept");
        var cancelled = SchedulerHost.Reminder(_time.GetUtcNow() + TimeSpan.FromMinutes(10), "cancelled");
        await _host.ScheduleReminderAsync(kept);
        var handle = await _host.ScheduleReminderAsync(cancelled);

        // State machines cancel with their own receive endpoint's address, not the destination: the token alone decides.
        await _host.Scheduler().CancelScheduledSend(new Uri("loopback://localhost/some-other-endpoint"), handle.TokenId, Ct);
        await _host.AdvanceAndSettleAsync(_time, TimeSpan.FromMinutes(11), _recorder);

        Assert.Single(Received(kept.ReminderId));
        Assert.Empty(Received(cancelled.ReminderId));
        Assert.Empty(await _host.PendingAsync());
    }

    [Fact]
    public async Task Scheduling_again_under_the_same_token_replaces_the_message_and_its_time()
    {
        var token = Guid.NewGuid();
        var first = SchedulerHost.Reminder(_time.GetUtcNow() + TimeSpan.FromMinutes(10), "first");
        var second = SchedulerHost.Reminder(_time.GetUtcNow() + TimeSpan.FromMinutes(20), "second");
        var sameToken = Pipe.Execute<SendContext<ReminderDue>>(ctx => ctx.ScheduledMessageId = token);

        var firstHandle = await _host.Scheduler().ScheduleSend(SchedulerHost.ReminderQueue, first.DueAt.UtcDateTime, first, sameToken, Ct);
        var secondHandle = await _host.Scheduler().ScheduleSend(SchedulerHost.ReminderQueue, second.DueAt.UtcDateTime, second, sameToken, Ct);
        await _host.AdvanceAndSettleAsync(_time, TimeSpan.FromMinutes(15), _recorder);
        var byFirstTime = Received(first.ReminderId).Count() + Received(second.ReminderId).Count();
        await _host.AdvanceAndSettleAsync(_time, TimeSpan.FromMinutes(10), _recorder);

        Assert.Equal((token, token), (firstHandle.TokenId, secondHandle.TokenId));
        Assert.Equal(0, byFirstTime);
        Assert.Empty(Received(first.ReminderId));
        Assert.Equal(token, Assert.Single(Received(second.ReminderId)).MessageId);
    }

    [Fact]
    public async Task A_message_scheduled_in_the_past_is_sent_straight_away()
    {
        var overdue = SchedulerHost.Reminder(_time.GetUtcNow() - TimeSpan.FromMinutes(5), "overdue");

        await _host.ScheduleReminderAsync(overdue);

        // No clock movement: scheduling a message due before the dispatcher's next look wakes it.
        await SchedulerHost.UntilAsync(() => Received(overdue.ReminderId).Any(), "the overdue reminder to arrive");
    }

    [Fact]
    public async Task A_message_scheduled_before_the_dispatchers_next_look_wakes_it()
    {
        // The dispatcher plans its next look at most 1 s of fake time ahead; without a wake-up this would wait for the clock.
        var soon = SchedulerHost.Reminder(_time.GetUtcNow(), "due now");

        await _host.ScheduleReminderAsync(soon);

        await SchedulerHost.UntilAsync(() => Received(soon.ReminderId).Any(), "the reminder due now to arrive");
    }

    [Fact]
    public async Task A_message_that_cannot_be_sent_is_retried_later_and_does_not_hold_up_the_others()
    {
        var broken = new ScheduledMessageDocument
        {
            Destination = SchedulerHost.ReminderQueue.ToString(),
            ScheduledTime = _time.GetUtcNow() + TimeSpan.FromMinutes(1),
            DueAt = _time.GetUtcNow() + TimeSpan.FromMinutes(1),
            MessageTypes = ["urn:message:PatientExperience.Scheduling.Tests:ReminderDue"],
            ContentType = "application/x-not-a-serializer",
            Body = System.Text.Json.JsonSerializer.SerializeToElement(new { }),
            CreatedAt = _time.GetUtcNow(),
        };
        var brokenId = Guid.NewGuid().ToString("D");
        await _host.ScheduledMessagesOf().InsertAsync(brokenId, broken, [], Ct);
        var healthy = SchedulerHost.Reminder(_time.GetUtcNow() + TimeSpan.FromMinutes(1), "healthy");
        await _host.ScheduleReminderAsync(healthy);

        await _host.AdvanceAndSettleAsync(_time, TimeSpan.FromMinutes(2), _recorder);

        Assert.Single(Received(healthy.ReminderId));
        var retried = await _host.ScheduledMessagesOf().GetAsync(brokenId, Ct);
        Assert.Equal(1, retried?.Document.Attempts);
        Assert.InRange(retried!.Document.DueAt, _time.GetUtcNow(), _time.GetUtcNow() + TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_message_that_fails_on_every_attempt_is_dead_lettered_after_the_cap_instead_of_being_tried_for_ever()
    {
        var recorder = new SchedulingRecorder();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = SchedulerHost.Build(recorder, time, settings: new Dictionary<string, string?> { ["Messaging:Scheduler:MaxAttempts"] = "3" });
        await host.StartAsync(Ct);
        var broken = new ScheduledMessageDocument
        {
            Destination = SchedulerHost.ReminderQueue.ToString(),
            ScheduledTime = time.GetUtcNow() + TimeSpan.FromMinutes(1),
            DueAt = time.GetUtcNow() + TimeSpan.FromMinutes(1),
            MessageTypes = ["urn:message:PatientExperience.Scheduling.Tests:ReminderDue"],
            ContentType = "application/x-not-a-serializer",
            Body = System.Text.Json.JsonSerializer.SerializeToElement(new { }),
            CreatedAt = time.GetUtcNow(),
        };
        var brokenId = Guid.NewGuid().ToString("D");
        await host.ScheduledMessagesOf().InsertAsync(brokenId, broken, [], Ct);
        var dead = host.Services.GetRequiredKeyedService<IDocumentStore>(SchedulerHost.Service).Collection<DeadScheduledMessageDocument>(ScheduledMessages.DeadLetters);

        // Each failed attempt backs off by seconds; a few minutes on the fake clock cover three attempts.
        for (var i = 0; i < 4; i++) await host.AdvanceAndSettleAsync(time, TimeSpan.FromMinutes(2), recorder);
        var healthy = SchedulerHost.Reminder(time.GetUtcNow() + TimeSpan.FromMinutes(1), "after the broken one");
        await host.ScheduleReminderAsync(healthy);
        await host.AdvanceAndSettleAsync(time, TimeSpan.FromMinutes(2), recorder);

        Assert.Null(await host.ScheduledMessagesOf().GetAsync(brokenId, Ct));
        var letter = await dead.GetAsync(brokenId, Ct);
        Assert.NotNull(letter);
        Assert.Equal(3, letter.Document.Message.Attempts);
        Assert.Contains("3 times", letter.Document.Reason);
        Assert.Single(recorder.Reminders, r => r.Message.ReminderId == healthy.ReminderId);
        await host.StopAsync(Ct);
    }

    /// <summary>
    /// RabbitMQ.Client 7.2 can leave a send waiting for its confirm for ever when the broker restarts under it
    /// (rabbitmq-dotnet-client#1930): in a fault run the case service's dispatcher then sent no timer until the process
    /// restarted. Here the first send waits until it is cancelled, as that one did; on the real clock, as the timeout runs.
    /// </summary>
    [Fact]
    public async Task A_send_whose_confirm_never_comes_times_out_and_the_message_is_sent_again()
    {
        var recorder = new SchedulingRecorder();
        using var host = SchedulerHost.Build(recorder, settings: new Dictionary<string, string?> { ["Messaging:Scheduler:SendTimeoutSeconds"] = "1" });
        await host.StartAsync(Ct);
        var observer = new HangOnceSendObserver();
        using var _ = host.Services.GetRequiredService<IBus>().ConnectSendObserver(observer);
        var first = SchedulerHost.Reminder(DateTimeOffset.UtcNow, "its first send never confirmed");

        await host.ScheduleReminderAsync(first);
        await SchedulerHost.UntilAsync(() => observer.Hung, "the first send waiting");
        var second = SchedulerHost.Reminder(DateTimeOffset.UtcNow, "due while it waited");
        await host.ScheduleReminderAsync(second);

        await SchedulerHost.UntilAsync(() => recorder.Reminders.Any(r => r.Message.ReminderId == first.ReminderId) && recorder.Reminders.Any(r => r.Message.ReminderId == second.ReminderId),
            "both reminders received");
        Assert.Single(recorder.Reminders, r => r.Message.ReminderId == first.ReminderId);
        await host.StopAsync(Ct);
    }

    /// <summary>The first send waits until its cancellation token ends it, as a send whose confirm never comes.</summary>
    private sealed class HangOnceSendObserver : ISendObserver
    {
        private int _hung;

        public bool Hung => Volatile.Read(ref _hung) == 1;

        public async Task PreSend<T>(SendContext<T> context) where T : class
        {
            if (Interlocked.Exchange(ref _hung, 1) == 0) await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }

        public Task PostSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;

        public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}

/// <summary>Registration and start-up validation.</summary>
public sealed class DurableSchedulerRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Invalid_options_stop_the_host_at_start_up()
    {
        using var host = SchedulerHost.Build(new SchedulingRecorder(), settings: new Dictionary<string, string?>
        {
            ["Messaging:Scheduler:MaxWaitMs"] = "5000",
            ["Messaging:Scheduler:BatchSize"] = "0",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains(error.Failures, f => f.Contains(nameof(DurableSchedulerOptions.MaxWaitMs), StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains(nameof(DurableSchedulerOptions.BatchSize), StringComparison.Ordinal));
    }

    [Fact]
    public void Adding_the_scheduler_again_for_the_same_service_is_harmless_and_for_another_is_refused()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddDurableScheduler("case");
        builder.AddDurableScheduler("case");

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddDurableScheduler("survey"));

        Assert.Single(builder.Services, d => d.ServiceType == typeof(IMessageScheduler));
        Assert.Contains("one message scheduler", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_collection_is_created_with_the_store_without_being_passed_to_it()
    {
        using var host = SchedulerHost.Build(new SchedulingRecorder());
        await host.StartAsync(Ct);

        var collection = host.Services.GetRequiredKeyedService<IDocumentStore>(SchedulerHost.Service).Collection<ScheduledMessageDocument>(ScheduledMessages.Definition);

        Assert.Equal(0, await collection.CountAsync(Ct));
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Without_the_services_store_the_host_does_not_start_and_says_why()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddLogging();
        builder.AddDurableScheduler("nostore");
        builder.AddPlatformMessaging();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));

        Assert.Contains("AddDocumentStore(\"nostore\"", error.Message, StringComparison.Ordinal);
    }
}
