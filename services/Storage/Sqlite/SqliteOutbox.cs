using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PatientExperience.Storage.Sqlite;

internal sealed class SqliteOutbox(SqliteDocumentStore store) : IOutbox
{
    public event Action? MessagesAdded;

    internal void RaiseAdded() => MessagesAdded?.Invoke();

    /// <summary>
    /// Oldest first, skipping leased messages and every message of a document whose earlier message is still leased (being
    /// published elsewhere, or waiting after a failed publish), so a document's messages never overtake each other.
    /// </summary>
    public Task<IReadOnlyList<PendingOutboxMessage>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<PendingOutboxMessage>>(async (connection, tx) =>
        {
            var now = store.Clock.GetUtcNow();
            var claimed = new List<PendingOutboxMessage>();
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = tx;
                select.CommandText = """
                    SELECT o.id, o.collection, o.document_id, o.message_type, o.payload, o.headers, o.created_at FROM "__outbox" o
                    WHERE (o.lease_until IS NULL OR o.lease_until < $now)
                      AND NOT EXISTS (SELECT 1 FROM "__outbox" e
                                      WHERE e.collection = o.collection AND e.document_id = o.document_id AND e.seq < o.seq
                                        AND e.lease_until IS NOT NULL AND e.lease_until >= $now)
                    ORDER BY o.seq LIMIT $max
                    """;
                select.Parameters.AddWithValue("$now", SqlNames.Timestamp(now));
                select.Parameters.AddWithValue("$max", max);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    claimed.Add(new PendingOutboxMessage(ReadMessage(reader), reader.GetString(1), reader.GetString(2)));
                }
            }

            // One statement for the whole claim, not one per message.
            await SetLeaseAsync(connection, tx, [.. claimed.Select(c => c.Message.Id)], now + lease, cancellationToken);
            return claimed;
        }, addsOutbox: false, cancellationToken);

    public Task MarkPublishedAsync(PendingOutboxMessage message, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, tx) =>
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM \"__outbox\" WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", message.Message.Id.ToString());
            return await cmd.ExecuteNonQueryAsync(cancellationToken);
        }, addsOutbox: false, cancellationToken);

    public Task MarkPublishedAsync(IReadOnlyList<PendingOutboxMessage> messages, CancellationToken cancellationToken) =>
        messages.Count == 0 ? Task.CompletedTask : store.WriteAsync(async (connection, tx) =>
        {
            var deleted = 0;
            // SQLite allows 32,766 parameters a statement; a relay's batch is at most 10,000 (Messaging:Outbox:BatchSize).
            foreach (var chunk in messages.Chunk(1000))
            {
                await using var cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "DELETE FROM \"__outbox\" WHERE id IN (" + string.Join(", ", chunk.Select((_, i) => "$id" + i)) + ")";
                for (var i = 0; i < chunk.Length; i++) cmd.Parameters.AddWithValue("$id" + i, chunk[i].Message.Id.ToString());
                deleted += await cmd.ExecuteNonQueryAsync(cancellationToken);
            }

            return deleted;
        }, addsOutbox: false, cancellationToken);

    public Task ReleaseAsync(IReadOnlyList<PendingOutboxMessage> messages, DateTimeOffset retryAt, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, tx) =>
        {
            await SetLeaseAsync(connection, tx, [.. messages.Select(m => m.Message.Id)], retryAt, cancellationToken);
            return messages.Count;
        }, addsOutbox: false, cancellationToken);

    public Task DeadLetterAsync(PendingOutboxMessage message, string reason, CancellationToken cancellationToken) =>
        store.WriteAsync(async (connection, tx) =>
        {
            var m = message.Message;
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = tx;
                insert.CommandText = """
                    INSERT OR IGNORE INTO "__outbox_dead_letters"(id, collection, document_id, message_type, payload, headers, created_at, reason, dead_lettered_at)
                    VALUES ($id, $collection, $document, $type, $payload, $headers, $created, $reason, $at)
                    """;
                insert.Parameters.AddWithValue("$id", m.Id.ToString());
                insert.Parameters.AddWithValue("$collection", message.Collection);
                insert.Parameters.AddWithValue("$document", message.DocumentId);
                insert.Parameters.AddWithValue("$type", m.MessageType);
                insert.Parameters.AddWithValue("$payload", m.Payload);
                insert.Parameters.AddWithValue("$headers", JsonSerializer.Serialize(m.Headers, StoreJson.Options));
                insert.Parameters.AddWithValue("$created", SqlNames.Timestamp(m.CreatedAt));
                insert.Parameters.AddWithValue("$reason", reason);
                insert.Parameters.AddWithValue("$at", SqlNames.Timestamp(store.Clock.GetUtcNow()));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var delete = connection.CreateCommand();
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM \"__outbox\" WHERE id = $id";
            delete.Parameters.AddWithValue("$id", m.Id.ToString());
            return await delete.ExecuteNonQueryAsync(cancellationToken);
        }, addsOutbox: false, cancellationToken);

    public async Task<IReadOnlyList<DeadLetteredOutboxMessage>> DeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT id, collection, document_id, message_type, payload, headers, created_at, reason, dead_lettered_at
            FROM "__outbox_dead_letters" ORDER BY dead_lettered_at DESC LIMIT $max
            """;
        select.Parameters.AddWithValue("$max", max);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var letters = new List<DeadLetteredOutboxMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new DeadLetteredOutboxMessage(ReadMessage(reader), reader.GetString(1), reader.GetString(2), reader.GetString(7),
                DateTimeOffset.Parse(reader.GetString(8), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return letters;
    }

    public async Task<OutboxBacklog> BacklogAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        // created_at is a fixed-width UTC timestamp, so its minimum is the earliest.
        select.CommandText = "SELECT COUNT(*), MIN(created_at) FROM \"__outbox\"";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.GetInt64(0) == 0) return OutboxBacklog.Empty;
        return new OutboxBacklog(reader.GetInt64(0), DateTimeOffset.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static OutboxMessage ReadMessage(SqliteDataReader reader) => new(
        Guid.Parse(reader.GetString(0)),
        reader.GetString(3),
        reader.GetString(4),
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5), StoreJson.Options) ?? [],
        DateTimeOffset.Parse(reader.GetString(6), System.Globalization.CultureInfo.InvariantCulture));

    private static async Task SetLeaseAsync(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<Guid> ids, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // SQLite allows 32,766 parameters a statement; a relay's batch is at most 10,000 (Messaging:Outbox:BatchSize).
        foreach (var chunk in ids.Chunk(1000))
        {
            await using var update = connection.CreateCommand();
            update.Transaction = tx;
            update.CommandText = "UPDATE \"__outbox\" SET lease_until = $until WHERE id IN (" + string.Join(", ", chunk.Select((_, i) => "$id" + i)) + ")";
            update.Parameters.AddWithValue("$until", SqlNames.Timestamp(until));
            for (var i = 0; i < chunk.Length; i++) update.Parameters.AddWithValue("$id" + i, chunk[i].ToString());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
