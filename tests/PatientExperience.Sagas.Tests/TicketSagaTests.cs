using MassTransit;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Messaging.Sagas;

namespace PatientExperience.Sagas.Tests;

/// <summary>The ticket state machine on the document repository, end to end through the bus, the store and the outbox relay.</summary>
public sealed class TicketSagaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_initiating_event_inserts_an_instance_and_later_events_update_it_bumping_the_version()
    {
        await using var host = await TicketHost.StartWithHarnessAsync(typeof(TicketStateDefinition));
        var id = NewId.NextGuid();

        await host.PublishAsync(new OpenTicket(id, "T-1", "Call bell not answered"));
        var opened = await host.StoredAsync(id, s => s is not null, "the ticket is stored");
        Assert.Equal("Opened", opened!.CurrentState);
        Assert.Equal("Call bell not answered", opened.Title);
        // Inserted at 1 when MassTransit adds the instance, after the state machine ran: the first write is version 1.
        Assert.Equal(1, opened.Version);

        await host.PublishAsync(new AcknowledgeTicket("T-1", "charge nurse"));
        var acknowledged = await host.StoredAsync(id, s => s?.CurrentState == "Acknowledged", "the ticket is acknowledged");
        Assert.Equal("charge nurse", acknowledged!.AcknowledgedBy);
        Assert.Equal(2, acknowledged.Version);

        await host.PublishAsync(new CommentOnTicket(id, NewId.NextGuid()));
        var commented = await host.StoredAsync(id, s => s?.Comments == 1, "the comment is applied");
        Assert.Equal(3, commented!.Version);

        // MassTransit's own load and query repositories read through the same store.
        var loaded = await host.Services.GetRequiredService<ILoadSagaRepository<TicketState>>().Load(id);
        Assert.Equal(3, loaded.Version);
        var found = await host.Services.GetRequiredService<IQuerySagaRepository<TicketState>>().Find(new SagaQuery<TicketState>(s => s.Reference == "T-1"));
        Assert.Equal([id], found);
    }

    [Fact]
    public async Task Events_raised_by_transitions_are_stored_with_the_state_and_not_published_until_the_relay_runs()
    {
        await using var host = await TicketHost.StartWithHarnessAsync(typeof(TicketStateDefinition), relay: false);
        var id = NewId.NextGuid();

        await host.PublishAsync(new OpenTicket(id, "T-2", "Meal tray missed"));
        await host.StoredAsync(id, s => s is not null, "the ticket is stored");
        await host.PublishAsync(new AcknowledgeTicket("T-2", "unit manager"));
        await host.StoredAsync(id, s => s?.CurrentState == "Acknowledged", "the ticket is acknowledged");
        Assert.True(await host.Harness.Consumed.Any<AcknowledgeTicket>(Ct));

        var pending = await host.Store.Outbox.ClaimAsync(100, TimeSpan.FromMinutes(1), Ct);
        Assert.Equal(
            [OutboxMessages.TypeName(typeof(TicketOpened)), OutboxMessages.TypeName(typeof(TicketAcknowledged))],
            pending.Select(p => p.Message.MessageType));
        Assert.All(pending, p => Assert.Equal((Tickets.Collection.Name, id.ToString("D")), (p.Collection, p.DocumentId)));
        var acknowledged = (TicketAcknowledged)OutboxMessages.Deserialize(pending[1].Message, typeof(TicketAcknowledged));
        Assert.Equal(new TicketAcknowledged(id, "unit manager"), acknowledged);

        // Nothing went out through the consume context: the events wait in the store for the relay.
        Assert.Empty(host.Harness.Published.Select<TicketOpened>(Ct));
        Assert.Empty(host.Harness.Published.Select<TicketAcknowledged>(Ct));
    }

    [Fact]
    public async Task The_relay_publishes_the_stored_events_with_their_outbox_ids()
    {
        await using var host = await TicketHost.StartWithHarnessAsync(typeof(TicketStateDefinition));
        var id = NewId.NextGuid();

        await host.PublishAsync(new OpenTicket(id, "T-3", "Noise at night"));
        var opened = await host.PublishedAsync<TicketOpened>(e => e.TicketId == id, 1, "TicketOpened is published");
        Assert.Equal(new TicketOpened(id, "T-3", "Noise at night"), opened[0]);

        var context = host.Harness.Published.Select<TicketOpened>(Ct).Single(m => m.Context.Message.TicketId == id).Context;
        Assert.NotNull(context.MessageId);
        await Eventually.MatchAsync(() => host.Store.Outbox.ClaimAsync(10, TimeSpan.FromMilliseconds(1), Ct), p => p.Count == 0, "the outbox is empty");
    }

    [Fact]
    public async Task A_duplicate_initiating_event_does_not_create_a_second_instance()
    {
        await using var host = await TicketHost.StartWithHarnessAsync(typeof(TicketStateDefinition));
        var id = NewId.NextGuid();

        // Concurrently (both may miss the instance and race to insert it; the loser retries and finds it), then once more late.
        await Task.WhenAll(
            host.PublishAsync(new OpenTicket(id, "T-4", "Parking")),
            host.PublishAsync(new OpenTicket(id, "T-4", "Parking")));
        await Eventually.MatchAsync(() => host.Harness.Consumed.Select<OpenTicket>(Ct).Count(), n => n >= 2, "both opens are consumed");
        await host.PublishAsync(new OpenTicket(id, "T-4", "Parking"));
        await Eventually.MatchAsync(() => host.Harness.Consumed.Select<OpenTicket>(Ct).Count(), n => n >= 3, "the late open is consumed");

        Assert.Equal(1, await host.Documents.CountAsync(Ct));
        await host.PublishedAsync<TicketOpened>(e => e.TicketId == id, 1, "TicketOpened is published");
        // Only the transition that created the instance raised the event; the duplicates were ignored.
        await host.PublishAsync(new CommentOnTicket(id, NewId.NextGuid()));
        await host.StoredAsync(id, s => s?.Comments == 1, "a later comment is applied");
        Assert.Single(host.Harness.Published.Select<TicketOpened>(Ct), m => m.Context.Message.TicketId == id);
        Assert.Empty(host.Harness.Published.Select<Fault<OpenTicket>>(Ct));
    }

    [Fact]
    public async Task Twenty_concurrent_events_on_one_instance_are_all_applied_with_the_concurrency_retry()
    {
        const int comments = 20;
        var gate = new CommentGate(comments);
        await using var host = await TicketHost.StartWithHarnessAsync(typeof(TicketStateDefinition), services: s => s.AddSingleton(gate));
        var id = NewId.NextGuid();
        await host.PublishAsync(new OpenTicket(id, "T-5", "Lost belongings"));
        await host.StoredAsync(id, s => s is not null, "the ticket is stored");

        await Task.WhenAll(Enumerable.Range(0, comments).Select(_ => host.PublishAsync(new CommentOnTicket(id, NewId.NextGuid()))));

        var done = await host.StoredAsync(id, s => s?.Comments == comments, "all 20 comments are applied");
        Assert.Equal(1 + comments, done!.Version);
        // The gate made every comment but one lose its first race; each was retried and applied.
        Assert.Equal(comments - 1, done.CommentsRetried);
        Assert.Empty(host.Harness.Published.Select<Fault<CommentOnTicket>>(Ct));
        Assert.Empty(host.Harness.Published.Select<Fault>(Ct));
    }

    [Fact]
    public async Task Without_the_retry_a_lost_race_faults_the_message_with_a_ConcurrencyException()
    {
        var gate = new CommentGate(2);
        await using var host = await TicketHost.StartWithHarnessAsync(typeof(TicketStateDefinitionWithoutRetry), services: s => s.AddSingleton(gate));
        var id = NewId.NextGuid();
        await host.PublishAsync(new OpenTicket(id, "T-6", "Wrong wristband"));
        await host.StoredAsync(id, s => s is not null, "the ticket is stored");

        await Task.WhenAll(host.PublishAsync(new CommentOnTicket(id, NewId.NextGuid())), host.PublishAsync(new CommentOnTicket(id, NewId.NextGuid())));

        var faults = await Eventually.MatchAsync(
            () => host.Harness.Published.Select<Fault<CommentOnTicket>>(Ct).Select(m => m.Context.Message).ToList(),
            f => f.Count >= 1, "the losing comment faults");
        var exception = Assert.Single(Assert.Single(faults).Exceptions);
        Assert.Equal(typeof(SagaConcurrencyException).FullName, exception.ExceptionType);
        Assert.True(typeof(ConcurrencyException).IsAssignableFrom(typeof(SagaConcurrencyException)));

        var stored = await host.StoredAsync(id, s => s?.Comments == 1, "the winning comment is applied");
        Assert.Equal(2, stored!.Version);
    }

    [Fact]
    public async Task A_finalized_instance_is_removed_and_its_last_events_are_still_published()
    {
        await using var host = await TicketHost.StartWithHarnessAsync(typeof(TicketStateDefinition));
        var id = NewId.NextGuid();
        await host.PublishAsync(new OpenTicket(id, "T-7", "Discharge delayed"));
        await host.StoredAsync(id, s => s is not null, "the ticket is stored");
        await host.PublishAsync(new AcknowledgeTicket("T-7", "department head"));
        await host.StoredAsync(id, s => s?.CurrentState == "Acknowledged", "the ticket is acknowledged");
        await host.PublishAsync(new CommentOnTicket(id, NewId.NextGuid()));
        await host.StoredAsync(id, s => s?.Comments == 1, "the comment is applied");

        await host.PublishAsync(new ResolveTicket(id));

        await host.StoredAsync(id, s => s is null, "the resolved ticket is removed");
        Assert.Equal(0, await host.Documents.CountAsync(Ct));
        var resolved = await host.PublishedAsync<TicketResolved>(e => e.TicketId == id, 1, "TicketResolved is published");
        Assert.Equal(new TicketResolved(id, 1), resolved[0]);
        Assert.Empty(host.Harness.Published.Select<Fault>(Ct));
    }

    [Fact]
    public async Task State_and_unpublished_events_survive_a_restart_on_a_SQLite_file()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pxp-sagas-" + Guid.NewGuid().ToString("N"));
        var id = NewId.NextGuid();
        try
        {
            // First run: the relay is paused, so the events stay in the store when the process goes away.
            await using (var first = await TicketHost.StartLikeServiceAsync(dir, relay: false))
            {
                await first.PublishAsync(new OpenTicket(id, "T-8", "Medication late", TicketPriority.High));
                await first.StoredAsync(id, s => s is not null, "the ticket is stored");
                await first.PublishAsync(new AcknowledgeTicket("T-8", "pharmacist"));
                await first.StoredAsync(id, s => s?.CurrentState == "Acknowledged", "the ticket is acknowledged");
            }

            var events = new TicketEvents();
            await using var second = await TicketHost.StartLikeServiceAsync(dir, relay: true, events);
            var state = await second.Documents.LoadAsync(id, Ct);
            Assert.NotNull(state);
            Assert.Equal(("Acknowledged", "pharmacist", TicketPriority.High, 2), (state.CurrentState, state.AcknowledgedBy, state.Priority, state.Version));

            // The events committed before the restart are published by the new process's relay.
            await Eventually.MatchAsync(() => events.Of<TicketAcknowledged>(), e => e.Count == 1, "the stored TicketAcknowledged is published after the restart");
            Assert.Single(events.Of<TicketOpened>());

            await second.PublishAsync(new ResolveTicket(id));
            await second.StoredAsync(id, s => s is null, "the resolved ticket is removed");
            await Eventually.MatchAsync(() => events.Of<TicketResolved>(), e => e.Count == 1, "TicketResolved is published");
        }
        finally
        {
            TicketHost.DeleteDirectory(dir);
        }
    }
}
