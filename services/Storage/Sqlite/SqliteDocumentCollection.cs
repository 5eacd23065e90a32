using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PatientExperience.Storage.Sqlite;

internal sealed class SqliteDocumentCollection<T>(SqliteDocumentStore store, CollectionDefinition definition) : IDocumentCollection<T> where T : class
{
    private const int SqliteConstraintError = 19;

    /// <summary>Ids bound per statement of <see cref="GetManyAsync"/> (SQLite allows 32,766 parameters; smaller statements plan faster).</summary>
    private const int MaxIdsPerStatement = 500;
    private readonly string _table = $"\"{definition.Name}\"";

    public async Task<Stored<T>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT id, version, data FROM {_table} WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<Stored<T>> InsertAsync(string id, T document, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(document, StoreJson.Options);
        try
        {
            await store.WriteAsync(async (connection, tx) =>
            {
                await using var cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = $"INSERT INTO {_table}(id, version, data, updated_at) VALUES ($id, 1, $data, $now)";
                cmd.Parameters.AddWithValue("$id", id);
                cmd.Parameters.AddWithValue("$data", json);
                cmd.Parameters.AddWithValue("$now", SqlNames.Timestamp(DateTimeOffset.UtcNow));
                await cmd.ExecuteNonQueryAsync(cancellationToken);
                await SqliteDocumentStore.InsertOutboxAsync(connection, tx, definition.Name, id, outbox, cancellationToken);
                return true;
            }, outbox.Count > 0, cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraintError)
        {
            throw new DuplicateDocumentException(definition.Name, e);
        }

        return new Stored<T>(id, 1, document);
    }

    public async Task<Stored<T>> ReplaceAsync(string id, T document, long expectedVersion, IReadOnlyList<OutboxMessage> outbox, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(document, StoreJson.Options);
        bool updated;
        try
        {
            updated = await store.WriteAsync(async (connection, tx) =>
            {
                await using var cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = $"UPDATE {_table} SET version = version + 1, data = $data, updated_at = $now WHERE id = $id AND version = $version";
                cmd.Parameters.AddWithValue("$id", id);
                cmd.Parameters.AddWithValue("$version", expectedVersion);
                cmd.Parameters.AddWithValue("$data", json);
                cmd.Parameters.AddWithValue("$now", SqlNames.Timestamp(DateTimeOffset.UtcNow));
                if (await cmd.ExecuteNonQueryAsync(cancellationToken) != 1) return false;
                await SqliteDocumentStore.InsertOutboxAsync(connection, tx, definition.Name, id, outbox, cancellationToken);
                return true;
            }, addsOutbox: false, cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraintError)
        {
            throw new DuplicateDocumentException(definition.Name, e);
        }

        if (!updated) throw new ConcurrencyConflictException(definition.Name, id);
        // Raised here rather than by WriteAsync: a conflicting replace commits nothing and must not wake the relay.
        if (outbox.Count > 0) store.RaiseOutboxAdded();
        return new Stored<T>(id, expectedVersion + 1, document);
    }

    public Task<bool> DeleteAsync(string id, long? expectedVersion, CancellationToken cancellationToken) =>
        // The outbox rows the document's writes committed live in their own table and stay there until published.
        store.WriteAsync(async (connection, tx) =>
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = expectedVersion is null
                ? $"DELETE FROM {_table} WHERE id = $id"
                : $"DELETE FROM {_table} WHERE id = $id AND version = $version";
            cmd.Parameters.AddWithValue("$id", id);
            if (expectedVersion is not null) cmd.Parameters.AddWithValue("$version", expectedVersion.Value);
            return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, addsOutbox: false, cancellationToken);

    public async Task<Stored<T>?> FindOneAsync(string field, object value, CancellationToken cancellationToken)
    {
        // One indexed lookup, without the count a page needs.
        var query = new DocumentQuery { Filters = [FieldFilter.Eq(field, value)], PageSize = 1 };
        query.Validate(definition);
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        var where = BuildWhere(query, cmd);
        cmd.CommandText = $"SELECT id, version, data FROM {_table}{where} LIMIT 1";
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<Page<Stored<T>>> QueryAsync(DocumentQuery query, CancellationToken cancellationToken)
    {
        query.Validate(definition);
        await using var connection = await store.OpenAsync(cancellationToken);

        await using var count = connection.CreateCommand();
        var where = BuildWhere(query, count);
        count.CommandText = $"SELECT count(*) FROM {_table}{where}";
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;

        await using var cmd = connection.CreateCommand();
        BuildWhere(query, cmd);
        var order = OrderBy(query);
        cmd.CommandText = $"SELECT id, version, data FROM {_table}{where} ORDER BY {order} LIMIT $take OFFSET $skip";
        cmd.Parameters.AddWithValue("$take", query.PageSize);
        cmd.Parameters.AddWithValue("$skip", query.Skip);

        var items = new List<Stored<T>>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(Read(reader));
        return new Page<Stored<T>>(items, query.PageNumber, query.PageSize, total);
    }

    public async Task<IReadOnlyList<string>> ListIdsAsync(DocumentQuery query, CancellationToken cancellationToken)
    {
        query.Validate(definition);
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        var where = BuildWhere(query, cmd);
        var order = OrderBy(query);
        cmd.CommandText = $"SELECT id FROM {_table}{where} ORDER BY {order}";
        var ids = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
        return ids;
    }

    public async Task<IReadOnlyList<Stored<T>>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var found = new List<Stored<T>>(ids.Count);
        if (ids.Count == 0) return found;
        await using var connection = await store.OpenAsync(cancellationToken);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerStatement))
        {
            await using var cmd = connection.CreateCommand();
            var names = new string[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                names[i] = $"$i{i}";
                cmd.Parameters.AddWithValue(names[i], chunk[i]);
            }

            cmd.CommandText = $"SELECT id, version, data FROM {_table} WHERE id IN ({string.Join(", ", names)})";
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) found.Add(Read(reader));
        }

        return found;
    }

    public async Task<IReadOnlyList<long?>> WriteManyAsync(IReadOnlyList<DocumentWrite<T>> writes, CancellationToken cancellationToken)
    {
        DocumentWrites.EnsureDistinct(writes);
        if (writes.Count == 0) return [];
        var json = writes.Select(w => JsonSerializer.Serialize(w.Document, StoreJson.Options)).ToArray();
        var now = SqlNames.Timestamp(DateTimeOffset.UtcNow);
        return await store.WriteAsync(async (connection, tx) =>
        {
            await using var writer = new SqliteConditionalWriter(connection, tx, definition.Name, now);
            var versions = new long?[writes.Count];
            for (var i = 0; i < writes.Count; i++) versions[i] = await writer.WriteAsync(writes[i].Id, json[i], writes[i].ExpectedVersion, cancellationToken);
            return (IReadOnlyList<long?>)versions;
        }, addsOutbox: false, cancellationToken);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM {_table}";
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<GroupCount>> CountByAsync(DocumentQuery query, IReadOnlyList<string> groupBy, CancellationToken cancellationToken)
    {
        query.ValidateGrouping(definition, groupBy);
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var cmd = connection.CreateCommand();
        var where = BuildWhere(query, cmd);
        // Field names are checked against the collection's indexed fields above, never taken from input as such.
        var keys = string.Join(", ", groupBy.Select(f => $"json_extract(data, '$.{f}')"));
        var positions = string.Join(", ", Enumerable.Range(1, groupBy.Count));
        cmd.CommandText = $"SELECT {keys}, count(*) FROM {_table}{where} GROUP BY {positions}";
        var groups = new List<GroupCount>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = new string?[groupBy.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            }

            groups.Add(new GroupCount(values, reader.GetInt64(groupBy.Count)));
        }

        return groups;
    }

    /// <summary>
    /// The ORDER BY of a query. In id order with filters, the id is written <c>+id</c>: otherwise SQLite, which cannot tell how
    /// few rows a range filter matches, walks the whole table in primary-key order to spare a sort (a year of cases read to
    /// find the few hundred still open). The count of every page reads the matches through the filter's index anyway;
    /// sorting them is the smaller cost.
    /// </summary>
    internal static string OrderBy(DocumentQuery query) => query.SortBy is { } sort
        ? $"json_extract(data, '$.{sort}') {(query.Descending ? "DESC" : "ASC")}, id"
        : query.Filters.Count > 0 ? "+id" : "id";

    /// <summary>Translates filters into a WHERE clause on json_extract, with every value as a parameter.</summary>
    internal static string BuildWhere(DocumentQuery query, SqliteCommand cmd)
    {
        if (query.Filters.Count == 0) return "";
        var sb = new StringBuilder(" WHERE ");
        var n = 0;
        for (var i = 0; i < query.Filters.Count; i++)
        {
            var f = query.Filters[i];
            if (i > 0) sb.Append(" AND ");
            var path = $"json_extract(data, '$.{f.Field}')";
            switch (f.Operator)
            {
                case FilterOperator.In:
                    var values = ((IEnumerable<object>)f.Value).ToList();
                    if (values.Count == 0) { sb.Append("0"); break; }
                    sb.Append(path).Append(" IN (");
                    for (var v = 0; v < values.Count; v++)
                    {
                        var p = $"$p{n++}";
                        sb.Append(v > 0 ? ", " : "").Append(p);
                        cmd.Parameters.AddWithValue(p, StoreJson.ToJsonScalar(values[v]) ?? DBNull.Value);
                    }

                    sb.Append(')');
                    break;
                case FilterOperator.MissingOrEqual:
                    // json_extract gives NULL for an absent path as for a JSON null.
                    var equal = $"$p{n++}";
                    sb.Append('(').Append(path).Append(" IS NULL OR ").Append(path).Append(" = ").Append(equal).Append(')');
                    var value = StoreJson.ToJsonScalar(f.Value);
                    cmd.Parameters.AddWithValue(equal, value is bool yes ? (yes ? 1 : 0) : value ?? DBNull.Value);
                    break;
                default:
                    var name = $"$p{n++}";
                    var op = f.Operator switch
                    {
                        FilterOperator.Equal => "=",
                        FilterOperator.GreaterThanOrEqual => ">=",
                        FilterOperator.LessThan => "<",
                        _ => throw new ArgumentOutOfRangeException(nameof(query)),
                    };
                    sb.Append(path).Append(' ').Append(op).Append(' ').Append(name);
                    var scalar = StoreJson.ToJsonScalar(f.Value);
                    cmd.Parameters.AddWithValue(name, scalar is bool b ? (b ? 1 : 0) : scalar ?? DBNull.Value);
                    break;
            }
        }

        return sb.ToString();
    }

    private static Stored<T> Read(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), JsonSerializer.Deserialize<T>(reader.GetString(2), StoreJson.Options)!);
}
