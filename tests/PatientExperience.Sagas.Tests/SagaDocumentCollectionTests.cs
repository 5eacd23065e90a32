using MassTransit;
using PatientExperience.Messaging.Outbox;
using PatientExperience.Messaging.Sagas;
using PatientExperience.Storage;
using PatientExperience.Storage.Sqlite;

namespace PatientExperience.Sagas.Tests;

/// <summary>The repository's store operations directly, on an in-memory SQLite store: versions, conflicts, atomic events, deletion.</summary>
public sealed class SagaDocumentCollectionTests : IDisposable
{
    private readonly SqliteDocumentStore _store = new(Tickets.Service, path: null);
    private readonly SagaDocumentCollection<TicketState> _documents;

    public SagaDocumentCollectionTests() => _documents = new SagaDocumentCollection<TicketState>(_store, Tickets.Collection);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _store.Dispose();

    private static TicketState NewTicket(string reference, TicketPriority priority = TicketPriority.Normal) =>
        new() { CorrelationId = NewId.NextGuid(), CurrentState = "Opened", Reference = reference, Title = "Cold food", Priority = priority };

    private Task<IReadOnlyList<PendingOutboxMessage>> OutboxAsync() => _store.Outbox.ClaimAsync(100, TimeSpan.FromMilliseconds(1), Ct);

    [Fact]
    public async Task An_instance_is_inserted_at_version_1_and_each_update_bumps_the_version()
    {
        var ticket = NewTicket("D-1");
        await _documents.InsertAsync(ticket, Ct);
        Assert.Equal(1, ticket.Version);

        var loaded = await _documents.LoadAsync(ticket.CorrelationId, Ct);
        Assert.Equal((1, "D-1", "Opened"), (loaded!.Version, loaded.Reference, loaded.CurrentState));

        loaded.Comments = 5;
        await _documents.UpdateAsync(loaded, Ct);
        Assert.Equal(2, loaded.Version);
        var again = await _documents.LoadAsync(ticket.CorrelationId, Ct);
        Assert.Equal((2, 5), (again!.Version, again.Comments));
    }

    [Fact]
    public async Task A_duplicate_insert_is_a_concurrency_conflict()
    {
        var ticket = NewTicket("D-2");
        await _documents.InsertAsync(ticket, Ct);
        var duplicate = NewTicket("D-2b");
        duplicate.CorrelationId = ticket.CorrelationId;
        duplicate.Raise(new TicketOpened(ticket.CorrelationId, "D-2b", "again"));

        var e = await Assert.ThrowsAsync<SagaConcurrencyException>(() => _documents.InsertAsync(duplicate, Ct));
        Assert.IsAssignableFrom<ConcurrencyException>(e);
        Assert.Equal(ticket.CorrelationId, e.CorrelationId);
        Assert.Equal("D-2", (await _documents.LoadAsync(ticket.CorrelationId, Ct))!.Reference);
        Assert.Empty(await OutboxAsync());
    }

    [Fact]
    public async Task An_update_from_a_stale_version_throws_a_ConcurrencyException_and_writes_neither_state_nor_events()
    {
        var ticket = NewTicket("D-3");
        await _documents.InsertAsync(ticket, Ct);
        var first = (await _documents.LoadAsync(ticket.CorrelationId, Ct))!;
        var stale = (await _documents.LoadAsync(ticket.CorrelationId, Ct))!;

        first.AcknowledgedBy = "winner";
        first.Raise(new TicketAcknowledged(ticket.CorrelationId, "winner"));
        await _documents.UpdateAsync(first, Ct);

        stale.AcknowledgedBy = "loser";
        stale.Raise(new TicketAcknowledged(ticket.CorrelationId, "loser"));
        var e = await Assert.ThrowsAsync<SagaConcurrencyException>(() => _documents.UpdateAsync(stale, Ct));
        Assert.IsAssignableFrom<ConcurrencyException>(e);
        Assert.Equal(typeof(TicketState), e.SagaType);

        var stored = (await _documents.LoadAsync(ticket.CorrelationId, Ct))!;
        Assert.Equal(("winner", 2), (stored.AcknowledgedBy, stored.Version));
        var outbox = await OutboxAsync();
        var only = Assert.Single(outbox);
        Assert.Equal(new TicketAcknowledged(ticket.CorrelationId, "winner"), OutboxMessages.Deserialize(only.Message, typeof(TicketAcknowledged)));
    }

    [Fact]
    public async Task Raised_events_are_written_with_the_state_in_the_order_raised_and_taken_from_the_instance()
    {
        var ticket = NewTicket("D-4");
        ticket.Raise(new TicketOpened(ticket.CorrelationId, "D-4", "Cold food"));
        await _documents.InsertAsync(ticket, Ct);
        ticket.Raise(new TicketAcknowledged(ticket.CorrelationId, "a"));
        ticket.Raise(new TicketResolved(ticket.CorrelationId, 0));
        await _documents.UpdateAsync(ticket, Ct);
        await _documents.UpdateAsync(ticket, Ct); // nothing raised since: no events

        var outbox = await OutboxAsync();
        Assert.Equal(
            [typeof(TicketOpened), typeof(TicketAcknowledged), typeof(TicketResolved)],
            outbox.Select(p => OutboxMessages.ResolveType(p.Message.MessageType)));
        Assert.Equal(3, outbox.Select(p => p.Message.Id).Distinct().Count());
        Assert.Empty(ticket.TakePendingEvents());
    }

    [Fact]
    public async Task A_raised_event_carries_the_trace_it_was_raised_in()
    {
        using var source = new System.Diagnostics.ActivitySource("PatientExperience.Sagas.Tests");
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        var ticket = NewTicket("D-9");
        string traceId;
        using (var activity = source.StartActivity("consume OpenTicket"))
        {
            traceId = activity!.TraceId.ToString();
            ticket.Raise(new TicketOpened(ticket.CorrelationId, "D-9", "Cold food"));
        }

        await _documents.InsertAsync(ticket, Ct);

        var only = Assert.Single(await OutboxAsync());
        Assert.Contains(traceId, only.Message.Headers[OutboxMessages.TraceParentHeader]);
    }

    [Fact]
    public async Task Deleting_removes_the_instance_but_keeps_the_events_of_its_last_transition()
    {
        var ticket = NewTicket("D-5");
        await _documents.InsertAsync(ticket, Ct);
        ticket.CurrentState = "Final";
        ticket.Raise(new TicketResolved(ticket.CorrelationId, 0));

        await _documents.DeleteAsync(ticket, Ct);

        Assert.Null(await _documents.LoadAsync(ticket.CorrelationId, Ct));
        Assert.Equal(0, await _documents.CountAsync(Ct));
        var only = Assert.Single(await OutboxAsync());
        Assert.Equal(OutboxMessages.TypeName(typeof(TicketResolved)), only.Message.MessageType);
    }

    [Fact]
    public async Task Deleting_a_stale_instance_is_a_conflict()
    {
        var ticket = NewTicket("D-6");
        await _documents.InsertAsync(ticket, Ct);
        var stale = (await _documents.LoadAsync(ticket.CorrelationId, Ct))!;
        await _documents.UpdateAsync(ticket, Ct);

        await Assert.ThrowsAsync<SagaConcurrencyException>(() => _documents.DeleteAsync(stale, Ct));
        stale.Raise(new TicketResolved(ticket.CorrelationId, 0));
        await Assert.ThrowsAsync<SagaConcurrencyException>(() => _documents.DeleteAsync(stale, Ct));
        Assert.NotNull(await _documents.LoadAsync(ticket.CorrelationId, Ct));
        Assert.Empty(await OutboxAsync());
    }

    [Fact]
    public async Task A_finalized_instance_left_behind_by_a_crash_is_treated_as_missing_and_removed()
    {
        // What the first of the two writes of a finalization leaves if the process stops before the second.
        var ticket = NewTicket("D-7");
        ticket.Version = 3;
        var raw = _store.Collection<SagaDocument<TicketState>>(_documents.StoredDefinition);
        await _documents.EnsureCreatedAsync(Ct);
        await raw.InsertAsync(ticket.CorrelationId.ToString("D"), new SagaDocument<TicketState> { Saga = ticket, Completed = true }, [], Ct);

        Assert.Null(await _documents.LoadAsync(ticket.CorrelationId, Ct));
        Assert.Null(await raw.GetAsync(ticket.CorrelationId.ToString("D"), Ct));

        // A new instance with the same id can be created again.
        var again = NewTicket("D-7b");
        again.CorrelationId = ticket.CorrelationId;
        await _documents.InsertAsync(again, Ct);
        Assert.Equal("D-7b", (await _documents.LoadAsync(ticket.CorrelationId, Ct))!.Reference);
    }

    [Fact]
    public async Task An_instance_that_completed_before_it_was_stored_keeps_its_events()
    {
        var ticket = NewTicket("D-8");
        ticket.Raise(new TicketResolved(ticket.CorrelationId, 0));

        await _documents.StoreEventsOfDiscardedAsync(ticket, Ct);

        Assert.Equal(0, await _documents.CountAsync(Ct));
        Assert.Single(await OutboxAsync());
    }

    [Fact]
    public async Task Queries_by_correlation_id_and_by_indexed_fields_are_answered_by_the_store()
    {
        var a = NewTicket("Q-1", TicketPriority.High);
        var b = NewTicket("Q-2", TicketPriority.High);
        var c = NewTicket("Q-3");
        foreach (var t in new[] { a, b, c }) await _documents.InsertAsync(t, Ct);

        var byId = await _documents.QueryAsync(s => s.CorrelationId == b.CorrelationId, Ct);
        Assert.Equal([b.CorrelationId], byId.Select(s => s.CorrelationId));
        Assert.Equal(1, byId[0].Version);

        var high = await _documents.QueryAsync(s => s.Priority == TicketPriority.High, Ct);
        Assert.Equal(new[] { a.CorrelationId, b.CorrelationId }.Order(), high.Select(s => s.CorrelationId).Order());

        var reference = "Q-3";
        var byReference = await _documents.QueryAsync(s => s.Reference == reference && s.Priority == TicketPriority.Normal, Ct);
        Assert.Equal([c.CorrelationId], byReference.Select(s => s.CorrelationId));

        Assert.Empty(await _documents.QueryAsync(s => s.CorrelationId == a.CorrelationId && s.Reference == "Q-2", Ct));
    }

    [Fact]
    public async Task Queries_the_store_cannot_answer_throw_NotSupportedException()
    {
        var e = await Assert.ThrowsAsync<NotSupportedException>(() => _documents.QueryAsync(s => s.Title == "Cold food", Ct));
        Assert.Contains("'title' is not indexed", e.Message);
        await Assert.ThrowsAsync<NotSupportedException>(() => _documents.QueryAsync(s => s.Reference == "a" || s.Reference == "b", Ct));
        await Assert.ThrowsAsync<NotSupportedException>(() => _documents.QueryAsync(s => s.Comments > 3, Ct));
        await Assert.ThrowsAsync<NotSupportedException>(() => _documents.QueryAsync(s => s.Reference != "a", Ct));
        await Assert.ThrowsAsync<NotSupportedException>(() => _documents.QueryAsync(s => s.Reference.StartsWith('Q'), Ct));
        await Assert.ThrowsAsync<NotSupportedException>(() => _documents.QueryAsync(s => s.AcknowledgedBy == null, Ct));
    }
}
