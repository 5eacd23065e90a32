using System.Text.Json;

namespace PatientExperience.Storage.Sqlite;

internal sealed class SqliteOutbox(SqliteDocumentStore store) : IOutbox
{
    public event Action? MessagesAdded;

    internal void RaiseAdded() => MessagesAdded?.Invoke();

    public Task<IReadOnlyList<PendingOutboxMessage>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken) =>
        store.WriteAsync<IReadOnlyList<PendingOutboxMessage>>(async (connection, tx) =>
        {
            var now = store.Clock.GetUtcNow();
            var claimed = new List<PendingOutboxMessage>();
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = tx;
                select.CommandText = """
                    SELECT id, collection, document_id, message_type, payload, headers, created_at FROM "__outbox"
                    WHERE lease_until IS NULL OR lease_until < $now ORDER BY seq LIMIT $max
                    """;
                select.Parameters.AddWithValue("$now", SqlNames.Timestamp(now));
                select.Parameters.AddWithValue("$max", max);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var message = new OutboxMessage(
                        Guid.Parse(reader.GetString(0)),
                        reader.GetString(3),
                        reader.GetString(4),
                        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5), StoreJson.Options) ?? [],
                        DateTimeOffset.Parse(reader.GetString(6), System.Globalization.CultureInfo.InvariantCulture));
                    claimed.Add(new PendingOutboxMessage(message, reader.GetString(1), reader.GetString(2)));
                }
            }

            foreach (var c in claimed)
            {
                await using var update = connection.CreateCommand();
                update.Transaction = tx;
                update.CommandText = "UPDATE \"__outbox\" SET lease_until = $until WHERE id = $id";
                update.Parameters.AddWithValue("$until", SqlNames.Timestamp(now + lease));
                update.Parameters.AddWithValue("$id", c.Message.Id.ToString());
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

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
}
