using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Storage;
using PatientExperience.Testing;

namespace PatientExperience.Integration.Tests;

/// <summary>
/// The messaging pipeline's metrics for real flows (in-memory transport): the outbox backlog and its oldest event's age while the
/// relay is paused and after it drains, pending timers, and per queue the retries, redeliveries and the move to <c>_error</c>.
/// </summary>
public sealed class PipelineMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly (string, string) ItsService = ("pxp.service", MessagingHost.Service);

    private static IDocumentStore StoreOf(IHost host) => host.Services.GetRequiredKeyedService<IDocumentStore>(MessagingHost.Service);

    [Fact]
    public async Task The_outbox_gauges_report_the_unpublished_events_and_the_age_of_the_oldest_until_the_relay_publishes_them()
    {
        var settings = new Dictionary<string, string?> { ["Messaging:Outbox:Paused"] = "true", ["Messaging:Metrics:SampleSeconds"] = "1" };
        using var paused = MessagingHost.Build(null, settings: settings);
        using var metrics = new RecordedMetrics(paused.Services.GetRequiredService<IMeterFactory>(), "pxp.outbox.pending", "pxp.outbox.oldest_age");
        await paused.StartAsync(Ct);
        var written = DateTimeOffset.UtcNow.AddMinutes(-2);
        var probes = Enumerable.Range(0, 3).Select(i => OutboxMessages.Create(new ProbeHappened(Guid.NewGuid(), $"waiting {i}"), written.AddSeconds(i))).ToList();
        await StoreOf(paused).Collection<ProbeDocument>(MessagingHost.Probes).InsertAsync("d-1", new ProbeDocument("d-1"), probes[..2], Ct);
        await StoreOf(paused).Collection<ProbeDocument>(MessagingHost.Probes).InsertAsync("d-2", new ProbeDocument("d-2"), probes[2..], Ct);

        await Eventually.UntilAsync(() => metrics.Observe("pxp.outbox.pending", ItsService).Any(m => m.Value == 3), "the gauge to count 3 pending events", Deadline);
        var age = Assert.Single(metrics.Observe("pxp.outbox.oldest_age", ItsService)).Value;
        Assert.InRange(age, 120, 3600); // the oldest was written two minutes ago, and waits on
        await paused.StopAsync(Ct);
    }

    [Fact]
    public async Task The_outbox_gauges_fall_to_zero_once_the_relay_has_published_everything()
    {
        using var host = MessagingHost.Build(null, bus => bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = "itest-metrics-drained"),
            settings: new Dictionary<string, string?> { ["Messaging:Metrics:SampleSeconds"] = "1" });
        using var metrics = new RecordedMetrics(host.Services.GetRequiredService<IMeterFactory>(), "pxp.outbox.pending", "pxp.outbox.oldest_age");
        await host.StartAsync(Ct);

        await StoreOf(host).Collection<ProbeDocument>(MessagingHost.Probes).InsertAsync("d-1", new ProbeDocument("d-1"),
            [OutboxMessages.Create(new ProbeHappened(Guid.NewGuid(), "published"), DateTimeOffset.UtcNow.AddMinutes(-5))], Ct);

        await Eventually.UntilAsync(async () => (await StoreOf(host).Outbox.BacklogAsync(Ct)).Pending == 0, Deadline, "the relay to publish", Ct);
        await Eventually.UntilAsync(() => metrics.Observe("pxp.outbox.pending", ItsService).Any(m => m.Value == 0), "the gauge to read 0 pending", Deadline);
        Assert.Equal(0, Assert.Single(metrics.Observe("pxp.outbox.oldest_age", ItsService)).Value);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task The_pending_timers_gauge_counts_scheduled_messages_until_they_are_cancelled()
    {
        using var host = MessagingHost.Build(null, settings: new Dictionary<string, string?> { ["Messaging:Metrics:SampleSeconds"] = "1" });
        using var metrics = new RecordedMetrics(host.Services.GetRequiredService<IMeterFactory>(), "pxp.scheduler.pending");
        await host.StartAsync(Ct);
        var scheduler = host.Services.GetRequiredService<IMessageScheduler>();
        var destination = new Uri("queue:itest-metrics-timers");

        var first = await scheduler.ScheduleSend(destination, DateTime.UtcNow.AddHours(1), new ProbeHappened(Guid.NewGuid(), "in an hour"), Ct);
        await scheduler.ScheduleSend(destination, DateTime.UtcNow.AddDays(3), new ProbeHappened(Guid.NewGuid(), "in three days"), Ct);

        await Eventually.UntilAsync(() => metrics.Observe("pxp.scheduler.pending", ItsService).Any(m => m.Value == 2), "the gauge to count 2 timers", Deadline);
        await scheduler.CancelScheduledSend(destination, first.TokenId, Ct);
        await Eventually.UntilAsync(() => metrics.Observe("pxp.scheduler.pending", ItsService).Any(m => m.Value == 1), "the gauge to count 1 timer", Deadline);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_message_that_always_fails_is_counted_by_queue_through_its_retries_redeliveries_and_move_to_error()
    {
        var queue = "itest-metrics-failing-" + Guid.NewGuid().ToString("N")[..8];
        using var metrics = new RecordedMetrics("pxp.messaging.retries", "pxp.messaging.redeliveries", "pxp.messaging.dead_lettered");
        var deliveries = new Deliveries();
        using var host = MessagingHost.Build(null, bus => bus.AddConsumer<FailingProbeConsumer>().Endpoint(e => e.Name = queue), deliveries);
        await host.StartAsync(Ct);
        var probe = new ProbeHappened(Guid.NewGuid(), "never works");

        await host.Services.GetRequiredService<IBus>().Publish(probe, Ct);

        var ofQueue = ("messaging.destination.name", queue);
        await Eventually.UntilAsync(() => metrics.Sum("pxp.messaging.dead_lettered", ofQueue) == 1, "the move to _error to be counted", Deadline);
        // MessagingHost: 2 in-memory retries per delivery, 2 redeliveries; 3 deliveries in all.
        Assert.Equal(9, deliveries.Attempts[probe.ProbeId]);
        Assert.Equal(6, metrics.Sum("pxp.messaging.retries", ofQueue));
        Assert.Equal(2, metrics.Sum("pxp.messaging.redeliveries", ofQueue));
        Assert.Equal("retries-exhausted", Assert.Single(metrics.Of("pxp.messaging.dead_lettered", ofQueue)).Tag("pxp.failure_reason"));
        await host.StopAsync(Ct);
    }
}
